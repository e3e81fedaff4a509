/** Connection-level failures: S3 is down or unreachable, not the request at fault. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
]);

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * True when an error from the S3 client (or the socket under it) means "storage is
 * unavailable, try again shortly" — a refused or broken connection, a timeout, a 5xx from
 * S3 — so that the client gets a 503, not a 500 that reads like a bug.
 */
export function isStorageOutage(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 3) return false;
  const e = err as ErrorLike;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  if (e.name === "TimeoutError") return true;
  if (typeof e.message === "string" && /socket hang up/i.test(e.message)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (e.$metadata && (e.$fault === "server" || (status !== undefined && status >= 500)))
    return true;
  return isStorageOutage(e.cause, depth + 1);
}
