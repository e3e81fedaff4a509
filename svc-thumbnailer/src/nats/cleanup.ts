import type { S3Client } from "@aws-sdk/client-s3";
import {
  type CatalogueEvent,
  type MessageHandler,
  RetryLater,
} from "@streamstack/contracts/server";
import type { ThumbnailerMetrics } from "../metrics.ts";
import { deleteThumbnail, thumbnailKey } from "../storage/objects.ts";

/**
 * `catalogue.events.media.deleted` → the item's thumbnail is removed. Idempotent: a
 * thumbnail that is already gone (or never existed) is fine.
 */
export function handleMediaDeleted(deps: {
  s3: S3Client;
  bucket: string;
  metrics: ThumbnailerMetrics;
}): MessageHandler<Extract<CatalogueEvent, { type: "media.deleted" }>> {
  return async (event) => {
    try {
      await deleteThumbnail(deps.s3, deps.bucket, thumbnailKey(event.media_id));
    } catch (err) {
      throw new RetryLater((err as Error).message, 5000, { cause: err });
    }
    deps.metrics.thumbnailDeleted();
  };
}
