import type { S3Client } from "@aws-sdk/client-s3";
import {
  type CatalogueEvent,
  type MessageHandler,
  RetryLater,
} from "@streamstack/contracts/server";
import type { ThumbnailerMetrics } from "../metrics.ts";
import { deleteThumbnail, thumbnailKey } from "../storage/objects.ts";
import type { Tombstones } from "./tombstones.ts";

/**
 * `catalogue.events.media.deleted` → the item's tombstone is written, then its
 * thumbnail removed (in this order: see tombstones.ts). Idempotent: a thumbnail that is
 * already gone (or never existed) is fine.
 */
export function handleMediaDeleted(deps: {
  s3: S3Client;
  bucket: string;
  metrics: ThumbnailerMetrics;
  tombstones: Tombstones;
}): MessageHandler<Extract<CatalogueEvent, { type: "media.deleted" }>> {
  return async (event) => {
    try {
      await deps.tombstones.bury(event.media_id);
      await deleteThumbnail(deps.s3, deps.bucket, thumbnailKey(event.media_id));
    } catch (err) {
      throw new RetryLater((err as Error).message, 5000, { cause: err });
    }
    deps.metrics.thumbnailDeleted();
  };
}
