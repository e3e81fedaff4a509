import type { MediaItem, TokenPair, User } from "@streamstack/contracts";

export interface Call {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}
export type Handler = (call: Call) => Response | Promise<Response>;

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
export const apiError = (status: number, code: string, message: string) =>
  json({ error: { code, message } }, status);

/**
 * A stand-in for the gateway in component tests: routes are `"METHOD /path"` (query
 * string excluded); the first matching route answers, and every call is recorded.
 */
export function fakeFetch(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://localhost");
    const method = (init.method ?? "GET").toUpperCase();
    const raw = init.body;
    const body = typeof raw === "string" && raw.length > 0 ? JSON.parse(raw) : undefined;
    const call = {
      method,
      path: `${url.pathname}${url.search}`,
      headers: new Headers(init.headers),
      body,
    };
    calls.push(call);
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) return apiError(404, "not_found", `no fake route for ${method} ${url.pathname}`);
    if (init.signal?.aborted) throw new DOMException("aborted", "AbortError");
    return handler(call);
  }) as typeof fetch;
  return {
    fetch: fetchImpl,
    calls,
    callsTo: (method: string, pathPrefix: string) =>
      calls.filter((c) => c.method === method && c.path.startsWith(pathPrefix)),
  };
}

let seq = 0;
export function tokenPair(expiresIn = 1800): TokenPair {
  seq++;
  return {
    access_token: `access-${seq}`,
    refresh_token: `refresh-${seq}`,
    token_type: "Bearer",
    expires_in: expiresIn,
    refresh_expires_in: 604800,
  };
}

export function user(role: User["role"] = "viewer"): User {
  return {
    id: "8f0e7a3c-4a59-4b0e-9d57-6a1e3c1f2b10",
    email: `${role}@example.test`,
    display_name: null,
    role,
    created_at: "2025-01-01T10:00:00.000Z",
  };
}

let mediaSeq = 0;
export function media(overrides: Partial<MediaItem> = {}): MediaItem {
  mediaSeq++;
  const id = `00000000-0000-4000-8000-${String(mediaSeq).padStart(12, "0")}`;
  return {
    id,
    title: `Video ${mediaSeq}`,
    description: "",
    status: "published",
    size_bytes: 1_234_567,
    content_type: "video/mp4",
    duration_s: 65.4,
    video_codec: "h264",
    audio_codec: "aac",
    width: 640,
    height: 360,
    fps: 25,
    thumbnail_url: `/api/v1/stream/thumbnails/${id}.jpg`,
    failure_reason: null,
    created_at: "2025-01-01T10:00:00.000Z",
    updated_at: "2025-01-01T10:00:00.000Z",
    published_at: "2025-01-01T10:00:05.000Z",
    ...overrides,
  };
}

/** Routes every signed-in test needs: login and /me for the given role. */
export function authRoutes(role: User["role"] = "viewer"): Record<string, Handler> {
  return {
    "POST /api/v1/auth/login": () => json(tokenPair()),
    "POST /api/v1/auth/refresh": () => json(tokenPair()),
    "POST /api/v1/auth/logout": () => new Response(null, { status: 204 }),
    "GET /api/v1/auth/me": () => json(user(role)),
  };
}
