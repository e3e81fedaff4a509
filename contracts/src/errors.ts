/**
 * The one error family of StreamStack. Domain code throws `AppError` with a stable
 * `code`; the HTTP edge maps the code to a status, the NATS edge to a service-error
 * header. Nothing below an edge knows about HTTP.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
  timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** The JSON error body of API.md. */
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Finds the error code matching an HTTP-like status (used for service-error headers). */
export function codeForStatus(status: number): ErrorCode {
  const hit = Object.entries(ERROR_STATUS).find(([, s]) => s === status);
  return (hit?.[0] as ErrorCode | undefined) ?? "internal";
}
