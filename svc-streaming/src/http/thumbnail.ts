import { AppError, type Logger } from "@streamstack/contracts/server";
import { matchesIfNoneMatch } from "../domain/etag.ts";
import { thumbnailObjectKey } from "../domain/thumbnail.ts";
import type { S3Origin } from "../s3/origin.ts";
import type { ByteTally } from "../s3/response.ts";
import type { Exchange } from "./exchange.ts";
import { refuseUnexpected, relay } from "./relay.ts";

export interface ThumbnailDeps {
  origin: S3Origin;
  thumbnailBucket: string;
  maxAgeS: number;
  logger: Logger;
  /** Thumbnail bytes served. */
  served: ByteTally;
}

/**
 * `GET|HEAD /api/v1/stream/thumbnails/{media_id}.jpg`, public on purpose: `<img>` tags
 * cannot send a bearer token, and media ids are random UUIDs that only a catalogue
 * answer reveals. Browsers cache for `maxAgeS`, then revalidate with the S3 ETag (304).
 */
export async function serveThumbnail(
  deps: ThumbnailDeps,
  ex: Exchange,
  mediaId: string,
): Promise<void> {
  const key = thumbnailObjectKey(mediaId);
  const ifNoneMatch = ex.req.headers["if-none-match"];
  const upstream = await deps.origin.get(deps.thumbnailBucket, key, {
    ...(ifNoneMatch ? { ifNoneMatch } : {}),
    cancellation: ex,
  });
  const object = { origin: deps.origin, bucket: deps.thumbnailBucket, key };
  try {
    refuseUnexpected(upstream, object, [200, 304]);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") {
      throw new AppError("not_found", "this media has no thumbnail");
    }
    throw err;
  }
  const cacheControl = `public, max-age=${deps.maxAgeS}`;
  const etag = upstream.headers.etag ?? ifNoneMatch;
  // S3 may answer the condition itself (304) or ignore it; either way we do.
  if (upstream.statusCode === 304 || matchesIfNoneMatch(ifNoneMatch, etag)) {
    upstream.discard(); // a 304 has no body; a 200 we answer 304 ourselves is not worth reading
    ex.res.writeHead(304, [
      "Cache-Control",
      cacheControl,
      ...(etag ? ["ETag", etag] : []),
      "X-Request-Id",
      ex.requestId,
    ]);
    ex.res.end();
    return;
  }
  // biome-ignore format: header pairs read best one pair per line
  const head = [
    "Content-Type", upstream.headers["content-type"] ?? "image/jpeg",
    "Cache-Control", cacheControl,
    "X-Request-Id", ex.requestId,
  ];
  const length = upstream.headers["content-length"];
  if (length) head.push("Content-Length", length);
  if (etag) head.push("ETag", etag);
  if (upstream.headers["last-modified"])
    head.push("Last-Modified", upstream.headers["last-modified"]);
  try {
    ex.res.writeHead(200, head);
  } catch (err) {
    upstream.discard();
    throw err;
  }
  if (ex.isHead) {
    upstream.discard();
    ex.res.end();
    return;
  }
  relay(upstream, Number(length ?? Number.POSITIVE_INFINITY), ex, deps.logger, deps.served);
}
