import { ErrorBodySchema } from "@streamstack/contracts";

/** A failed API call, carrying the platform's error `code` (API.md) and a readable message. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isApiError(err: unknown, code?: string): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

const FALLBACK: Record<number, string> = {
  401: "You are not signed in.",
  403: "You are not allowed to do this.",
  404: "Not found.",
  413: "The file is too large.",
  429: "Too many attempts, wait a moment and try again.",
  502: "The service is not reachable right now.",
  503: "The service is not available right now, try again shortly.",
  504: "The service took too long to answer.",
};

/** Reads the JSON error body when there is one; gateways and proxies may send HTML instead. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const parsed = ErrorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(res.status, code, message, details);
  }
  const message = FALLBACK[res.status] ?? `Unexpected answer from the server (${res.status}).`;
  return new ApiError(res.status, `http_${res.status}`, message);
}

/** What to show a person for any error thrown by an API call. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return "The server could not be reached. Check your connection.";
  if (err instanceof Error && err.name === "ZodError")
    return "The server sent an answer this page does not understand.";
  return err instanceof Error ? err.message : String(err);
}
