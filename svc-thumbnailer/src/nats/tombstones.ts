import type { S3Client } from "@aws-sdk/client-s3";
import {
  type KV,
  type Logger,
  type MessageHandler,
  type ProcessingJob,
  RetryLater,
} from "@streamstack/contracts/server";
import { deleteThumbnail, thumbnailKey } from "../storage/objects.ts";

/**
 * Tombstones of deleted media items, in KV `thumbnailer-deleted-media` (one key per
 * media id, kept longer than any job can wait in the queue).
 *
 * Why they close the delete-while-processing race: the cleanup handler writes the
 * tombstone BEFORE it deletes the thumbnail, and the job handler reads the tombstone
 * AFTER its thumbnail write finished. Either the read sees the tombstone (then the job
 * deletes the thumbnail itself), or the tombstone was written after the read — and so
 * the cleanup's delete comes after the write and removes it. No interleaving leaves a
 * thumbnail behind; both deletes are idempotent, so doing both is harmless.
 */
export interface Tombstones {
  bury(mediaId: string): Promise<void>;
  isDeleted(mediaId: string): Promise<boolean>;
}

export function kvTombstones(kv: KV): Tombstones {
  return {
    async bury(mediaId) {
      await kv.put(mediaId, new Date().toISOString());
    },
    async isDeleted(mediaId) {
      const entry = await kv.get(mediaId);
      return entry !== null && entry.operation === "PUT";
    },
  };
}

/**
 * Wraps the job handler: a job of an item already deleted is acknowledged without
 * work; after any run the tombstone is read again, and a thumbnail the run may have
 * written for an item deleted meanwhile is removed. Storage or KV trouble here →
 * retry later (the next delivery repeats the check).
 */
export function skipDeletedMedia(
  handler: MessageHandler<ProcessingJob>,
  deps: { tombstones: Tombstones; s3: S3Client; bucket: string; logger: Logger },
): MessageHandler<ProcessingJob> {
  const removeIfDeleted = async (mediaId: string) => {
    let deleted: boolean;
    try {
      deleted = await deps.tombstones.isDeleted(mediaId);
      if (deleted) await deleteThumbnail(deps.s3, deps.bucket, thumbnailKey(mediaId));
    } catch (err) {
      throw new RetryLater(`deleted-media check: ${(err as Error).message}`, 5000, { cause: err });
    }
    if (deleted)
      deps.logger.info(
        { media_id: mediaId },
        "media deleted while queued or processing: no thumbnail kept",
      );
    return deleted;
  };
  return async (job, msg) => {
    if (await removeIfDeleted(job.media_id)) return;
    try {
      await handler(job, msg);
    } finally {
      await removeIfDeleted(job.media_id);
    }
  };
}
