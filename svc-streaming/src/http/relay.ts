import type { IncomingMessage } from "node:http";
import { pipeline } from "node:stream";
import { AppError, type Logger } from "@streamstack/contracts/server";
import type { S3Origin } from "../s3/origin.ts";
import { type Exchange, sendError } from "./exchange.ts";

/**
 * Turns an S3 answer that cannot be relayed into an AppError, before any byte reaches
 * the client. The refused response's body is discarded so its socket can be reused.
 */
export function refuseUnexpected(
  upstream: IncomingMessage,
  object: { origin: S3Origin; bucket: string; key: string },
  accept: readonly number[],
): void {
  const status = upstream.statusCode ?? 0;
  if (accept.includes(status)) return;
  upstream.resume();
  if (status === 404) throw new AppError("not_found", "the requested media is no longer stored");
  // A refused signature (clock skew, rotated keys): sign afresh next time.
  if (status === 403) object.origin.forget(object.bucket, object.key);
  throw new AppError("unavailable", `object storage answered ${status}`, undefined, {
    cause: { bucket: object.bucket, key: object.key, status },
  });
}

/**
 * Streams the S3 body to the client as Node streams, no conversion: `pipe` pauses S3
 * when the client reads slowly (backpressure). A client that leaves aborts the
 * exchange, which destroys the S3 request (see the origin). `pipe` rather than
 * `pipeline`: pipeline allocates an AbortController and throws away a DOMException on
 * every completion, a measurable share of the CPU per range request.
 */
export function relay(upstream: IncomingMessage, ex: Exchange, logger: Logger): void {
  upstream.once("error", (err) => {
    // S3 broke off mid-body: the status is sent, so cut the client's response too.
    if (!ex.cancelled) sendError(ex, err, logger);
  });
  upstream.pipe(ex.res);
}

/**
 * Relays only the first `length` bytes of an S3 body that holds more than was asked,
 * then drops the rest: s3rver answers `bytes=0-0` with the whole object (it reads an
 * end of 0 as "no end"). Real S3 never takes this path.
 */
export function relayPrefix(
  upstream: IncomingMessage,
  length: number,
  ex: Exchange,
  logger: Logger,
): void {
  async function* firstBytes(source: AsyncIterable<Buffer>) {
    let left = length;
    for await (const chunk of source) {
      const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= piece.length;
      yield piece;
      if (left === 0) return; // ends the loop, which destroys the S3 response
    }
  }
  pipeline(upstream, firstBytes, ex.res, (err) => {
    if (err && !ex.cancelled) sendError(ex, err, logger);
  });
}

/** Where a ranged S3 answer starts (`Content-Range: bytes a-b/size`), 0 for a 200. */
export function upstreamStart(upstream: IncomingMessage): number {
  const range = upstream.headers["content-range"];
  if (upstream.statusCode === 200 || !range) return 0;
  return Number(/^bytes (\d+)-/.exec(range)?.[1] ?? Number.NaN);
}
