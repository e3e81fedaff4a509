import { AppError, type Logger } from "@streamstack/contracts/server";
import type { OriginResponse, S3Origin } from "../s3/origin.ts";
import type { ByteTally } from "../s3/response.ts";
import { type Exchange, sendError } from "./exchange.ts";

/**
 * Turns an S3 answer that cannot be relayed into an AppError, before any byte reaches
 * the client. The refused response's body is discarded.
 */
export function refuseUnexpected(
  upstream: OriginResponse,
  object: { origin: S3Origin; bucket: string; key: string },
  accept: readonly number[],
): void {
  const status = upstream.statusCode;
  if (accept.includes(status)) return;
  upstream.discard();
  if (status === 404) throw new AppError("not_found", "the requested media is no longer stored");
  // A refused signature (clock skew, rotated keys): sign afresh next time.
  if (status === 403) object.origin.forget(object.bucket, object.key);
  throw new AppError("unavailable", `object storage answered ${status}`, undefined, {
    cause: { bucket: object.bucket, key: object.key, status },
  });
}

/**
 * Streams `length` bytes of the S3 body to the client, with backpressure both ways.
 * More than that is never sent: s3rver answers `bytes=0-0` with the whole object (it
 * reads an end of 0 as "none"); the rest is dropped with its connection. The bytes the
 * client's socket takes are added to `tally` (bytes served).
 */
export function relay(
  upstream: OriginResponse,
  length: number,
  ex: Exchange,
  logger: Logger,
  tally: ByteTally,
): void {
  upstream.relay(
    ex.res,
    length,
    (err) => {
      // S3 broke off mid-body: the status is sent, so cut the client's response too.
      if (!ex.cancelled) sendError(ex, err, logger);
    },
    tally,
  );
}

/** Where a ranged S3 answer starts (`Content-Range: bytes a-b/size`), 0 for a 200. */
export function upstreamStart(upstream: OriginResponse): number {
  const range = upstream.headers["content-range"];
  if (upstream.statusCode === 200 || !range) return 0;
  return Number(/^bytes (\d+)-/.exec(range)?.[1] ?? Number.NaN);
}
