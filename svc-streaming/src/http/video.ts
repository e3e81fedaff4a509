import { AppError, type Logger } from "@streamstack/contracts/server";
import {
  contentRange,
  FULL,
  rangeApplies,
  resolveRange,
  unsatisfiedRange,
} from "../domain/range.ts";
import type { StreamTokenStore } from "../nats/stream-tokens.ts";
import type { S3Origin } from "../s3/origin.ts";
import type { ByteTally } from "../s3/response.ts";
import { type Exchange, sendError } from "./exchange.ts";
import { refuseUnexpected, relay, upstreamStart } from "./relay.ts";

export interface VideoDeps {
  tokens: StreamTokenStore;
  origin: S3Origin;
  mediaBucket: string;
  logger: Logger;
  /** Media bytes served. */
  served: ByteTally;
}

/**
 * `GET|HEAD /api/v1/stream/{token}`: the token's video, whole or one byte range
 * (RFC 9110). Costs one cached token lookup and, for GET, one S3 GET of exactly the
 * bytes sent; HEAD never touches S3.
 */
export async function serveVideo(deps: VideoDeps, ex: Exchange, token: string): Promise<void> {
  const grant = await deps.tokens.resolve(token);
  if (!grant) throw new AppError("not_found", "stream token is unknown or expired");
  const { size_bytes: size, content_type: contentType, s3_key: key } = grant.record;
  const { headers } = ex.req;
  const range = rangeApplies(one(headers["if-range"]), grant.etag)
    ? resolveRange(headers.range, size)
    : FULL;
  if (range.kind === "unsatisfiable") {
    const why = new AppError("range_not_satisfiable", `the video has ${size} bytes`, {
      size_bytes: size,
    });
    // biome-ignore format: header pairs read best one pair per line
    return sendError(ex, why, deps.logger, [
      "Content-Range", unsatisfiedRange(size),
      "Accept-Ranges", "bytes",
      "ETag", grant.etag,
    ]);
  }
  const partial = range.kind === "partial";
  const start = partial ? range.start : 0;
  const end = partial ? range.end : size - 1;
  const length = end - start + 1;
  // biome-ignore format: header pairs read best one pair per line
  const head = [
    "Accept-Ranges", "bytes",
    "Content-Type", contentType,
    "Content-Length", String(length),
    "ETag", grant.etag,
    // Tokens are per viewer: browsers may keep the bytes, shared caches may not.
    "Cache-Control", "private",
    "X-Request-Id", ex.requestId,
  ];
  if (partial) head.push("Content-Range", contentRange(start, end, size));
  const status = partial ? 206 : 200;
  if (ex.isHead || length === 0) {
    ex.res.writeHead(status, head);
    ex.res.end();
    return;
  }
  const upstream = await deps.origin.get(deps.mediaBucket, key, {
    range: `bytes=${start}-${end}`,
    cancellation: ex,
  });
  refuseUnexpected(upstream, { origin: deps.origin, bucket: deps.mediaBucket, key }, [200, 206]);
  const stored = Number(upstream.headers["content-length"]);
  if (stored !== length && !(stored > length && upstreamStart(upstream) === start)) {
    upstream.discard();
    throw new AppError("internal", "stored object does not match its record", {
      s3_key: key,
      expected_bytes: length,
      stored_bytes: upstream.headers["content-length"],
    });
  }
  try {
    ex.res.writeHead(status, head);
  } catch (err) {
    upstream.discard(); // e.g. a content type that is no valid header value
    throw err;
  }
  relay(upstream, length, ex, deps.logger, deps.served);
}

const one = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h);
