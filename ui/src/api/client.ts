import { SESSION_ENDED, type Session } from "../auth/session.ts";
import { ApiError, errorFromResponse } from "./errors.ts";

export const API_BASE = "/api/v1";

/** Anything with zod's `parse`: the contracts schemas validate every answer we read. */
export interface Parser<T> {
  parse(data: unknown): T;
}

export interface ApiClient {
  /** An authorized request; non-2xx answers throw ApiError. Path is below /api/v1. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** GET (or `init.method`) and validate the JSON answer against a contracts schema. */
  json<T>(schema: Parser<T>, path: string, init?: RequestInit): Promise<T>;
  /** Sends a JSON body (or none) with `method`; parses the answer with `schema` when given. */
  send<T>(method: string, path: string, body?: unknown, schema?: Parser<T>): Promise<T | undefined>;
}

/**
 * The one way the pages talk to the gateway. It adds the bearer token and, when the
 * server answers 401 (expired or revoked token), rotates the tokens once and retries;
 * if that fails too the session ends and the app shows the sign-in page with a message.
 */
export function createApiClient(session: Session, fetchImpl: typeof fetch): ApiClient {
  const attempt = (path: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    const token = session.accessToken();
    if (token) headers.set("authorization", `Bearer ${token}`);
    return fetchImpl(`${API_BASE}${path}`, { ...init, headers });
  };

  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    let res = await attempt(path, init);
    if (res.status === 401) {
      const outcome = await session.refresh();
      if (outcome === "unavailable") {
        throw new ApiError(
          503,
          "unavailable",
          "Sign-in could not be renewed right now, try again.",
        );
      }
      if (outcome === "ok") res = await attempt(path, init);
      if (outcome === "rejected" || res.status === 401) {
        session.end(SESSION_ENDED);
        throw new ApiError(401, "unauthorized", SESSION_ENDED);
      }
    }
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }

  return {
    request,
    async json(schema, path, init) {
      const res = await request(path, init);
      return schema.parse(await res.json());
    },
    async send(method, path, body, schema) {
      const res = await request(path, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      });
      if (!schema || res.status === 204) return undefined;
      return schema.parse(await res.json());
    },
  };
}
