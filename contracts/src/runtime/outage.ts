import { AppError } from "../errors.ts";

// Node socket (and undici) errors and postgres.js's own codes for a server that cannot be
// reached.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/**
 * SQLSTATEs of a database that is going away or not yet back: class 08 (connection
 * exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now
 * ("the database system is starting up / shutting down"), 53300 too_many_connections.
 */
const isUnavailableSqlState = (code: string) =>
  code.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(code);

/** What the AWS SDK puts on an S3 error: who was at fault, and the HTTP status. */
interface SdkError {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** S3 answered with a server fault or a 5xx, the SDK gave up waiting, or the socket hung up. */
function isStorageFault(e: SdkError): boolean {
  if (e.name === "TimeoutError") return true;
  if (typeof e.message === "string" && /socket hang up/i.test(e.message)) return true;
  const status = e.$metadata?.httpStatusCode;
  return e.$metadata !== undefined && (e.$fault === "server" || (status ?? 0) >= 500);
}

/**
 * Whether `err` (or an error it wraps: drizzle's DrizzleQueryError carries the driver's
 * error as `cause`) means a dependency cannot be reached right now — the database is
 * stopped, restarting or dropped the connection; S3 is down or answers 5xx. Such a failure
 * is an outage, not a bug.
 */
export function isDependencyOutage(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || isUnavailableSqlState(code)))
      return true;
    if (isStorageFault(e as SdkError)) return true;
    if (e instanceof AggregateError && e.errors.some(isDependencyOutage)) return true;
    e = e.cause;
  }
  return false;
}

/**
 * The error an edge answers for `err`: an AppError as it is; a dependency outage as
 * `unavailable` (503, so clients retry and `/readyz` tells why); anything else as
 * `internal` (500, a bug).
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDependencyOutage(err)) {
    return new AppError(
      "unavailable",
      "a backing service is unavailable; try again shortly",
      undefined,
      {
        cause: err,
      },
    );
  }
  return new AppError("internal", "internal error", undefined, { cause: err });
}
