import { ErrorBodySchema } from "@streamstack/contracts";
import type { DetailedError, HttpResponse } from "tus-js-client";

export const TUS_ENDPOINT = "/api/v1/ingest/tus/";
/** Header on the final tus answer (PATCH, or HEAD when resuming a finished upload). */
export const MEDIA_ID_HEADER = "Upload-Media-Id";

/**
 * Retry schedule after a failed request: quick at first, then every minute for about
 * a quarter of an hour. tus resumes from the server's offset, so a dropped connection
 * costs only the bytes in flight. The attempt counter resets whenever bytes got through.
 */
export const RETRY_DELAYS_MS = [
  0,
  1000,
  3000,
  5000,
  10_000,
  20_000,
  30_000,
  ...Array(12).fill(60_000),
];

export function statusOf(err: Error | DetailedError): number {
  return "originalResponse" in err && err.originalResponse ? err.originalResponse.getStatus() : 0;
}

/**
 * Whether a failed tus request is worth retrying: network errors (status 0, also while
 * the browser says it is offline — the next attempt may find it back), 5xx, and the tus
 * "locked / offset mismatch" answers. A 401 is retried once the tokens were rotated.
 */
export function shouldRetryUpload(status: number): boolean {
  return status === 0 || status >= 500 || status === 409 || status === 423 || status === 401;
}

/** The readable reason of a failed tus request, from the API's JSON error body if any. */
export function uploadErrorMessage(err: Error | DetailedError): string {
  const res = "originalResponse" in err ? err.originalResponse : null;
  const status = res?.getStatus() ?? 0;
  if (res) {
    try {
      const body = ErrorBodySchema.safeParse(JSON.parse(res.getBody()));
      if (body.success) return body.data.error.message;
    } catch {
      // not JSON: fall back to the status below
    }
  }
  if (status === 0) return "The connection was lost.";
  if (status === 413) return "The file is larger than the server accepts.";
  if (status === 415) return "This file is not a video the server accepts.";
  if (status === 403) return "Only admins can upload.";
  return `The upload failed (${status}).`;
}

export function mediaIdFrom(res: HttpResponse | null | undefined): string | undefined {
  const id = res?.getHeader(MEDIA_ID_HEADER);
  return id ? id.trim() : undefined;
}
