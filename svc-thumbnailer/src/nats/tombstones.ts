import type { S3Client } from "@aws-sdk/client-s3";
import {
  BUCKETS,
  type JetStreamManager,
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

const bucket = BUCKETS.deletedMedia.name;

/**
 * Writes go through KV; reads ask the stream leader (STREAM.MSG.GET, last message of the
 * key's subject), not a direct get, which on a replicated bucket any replica may answer
 * — possibly one that has not applied the latest tombstone yet.
 */
export function kvTombstones(kv: KV, jsm: JetStreamManager): Tombstones {
  return {
    async bury(mediaId) {
      await kv.put(mediaId, new Date().toISOString());
    },
    async isDeleted(mediaId) {
      try {
        const m = await jsm.streams.getMessage(`KV_${bucket}`, {
          last_by_subj: `$KV.${bucket}.${mediaId}`,
        });
        const op = m.header?.get("KV-Operation");
        return !op || op === "PUT"; // DEL/PURGE: not ours to write, but would mean "undone"
      } catch (err) {
        if (noMessage(err)) return false;
        throw err;
      }
    },
  };
}

function noMessage(err: unknown): boolean {
  const e = err as { code?: string; api_error?: { err_code?: number } };
  return e?.api_error?.err_code === 10037 || e?.code === "404";
}

/**
 * Wraps the job handler: a job of an item already deleted is acknowledged without
 * work; after any run the tombstone is read again, and a thumbnail the run may have
 * written for an item deleted meanwhile is removed. Storage or KV trouble here →
 * retry later (the next delivery repeats the check).
 */
/** What removing a deleted item's thumbnail needs: its tombstones and the thumbnail bucket. */
export interface DeletedMediaCheck {
  tombstones: Tombstones;
  s3: S3Client;
  bucket: string;
}

/** Removes the item's thumbnail if the item is tombstoned; answers whether it was. */
export async function removeThumbnailIfDeleted(
  deps: DeletedMediaCheck,
  mediaId: string,
): Promise<boolean> {
  const deleted = await deps.tombstones.isDeleted(mediaId);
  if (deleted) await deleteThumbnail(deps.s3, deps.bucket, thumbnailKey(mediaId));
  return deleted;
}

export function skipDeletedMedia(
  handler: MessageHandler<ProcessingJob>,
  deps: DeletedMediaCheck & { logger: Logger },
): MessageHandler<ProcessingJob> {
  const removeIfDeleted = async (mediaId: string) => {
    let deleted: boolean;
    try {
      deleted = await removeThumbnailIfDeleted(deps, mediaId);
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
