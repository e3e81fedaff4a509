import {
  AppError,
  type MediaCreateRequest,
  type MediaItem,
  type MediaUpdate,
  mediaEvent,
  type ProcessingResult,
} from "@streamstack/contracts/server";
import { and, eq, inArray, sql } from "drizzle-orm";
import { transitionEventId } from "../domain/event-id.ts";
import { sourcesOf, statusAfter } from "../domain/lifecycle.ts";
import type { CatalogueDb } from "./database.ts";
import { mediaColumns, type StoredMedia, toMediaItem } from "./media-item.ts";
import { enqueueEvent } from "./outbox.ts";
import { mediaItems } from "./schema.ts";

// Every change and the event announcing it commit together (see outbox.ts).

/** Records an upload as `processing`; a repeat with the same id returns the first item. */
export async function createMedia(
  db: CatalogueDb,
  req: MediaCreateRequest,
): Promise<{ item: MediaItem; created: boolean; row: StoredMedia }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(mediaItems)
      .values({
        id: req.media_id,
        title: req.title,
        description: req.description,
        s3Key: req.s3_key,
        sizeBytes: req.size_bytes,
        contentType: req.content_type,
      })
      .onConflictDoNothing({ target: mediaItems.id })
      .returning(mediaColumns);
    if (row) {
      const item = toMediaItem(row);
      const eventId = transitionEventId(item.id, "created");
      await enqueueEvent(tx, mediaEvent("created", item, { eventId, occurredAt: row.createdAt }));
      return { item, created: true, row };
    }
    const [existing] = await tx
      .select(mediaColumns)
      .from(mediaItems)
      .where(eq(mediaItems.id, req.media_id));
    if (!existing) throw new AppError("conflict", "the media item was deleted meanwhile");
    if (existing.s3Key !== req.s3_key) {
      throw new AppError("conflict", "this media id is already recorded for another upload");
    }
    return { item: toMediaItem(existing), created: false, row: existing };
  });
}

export async function updateMedia(
  db: CatalogueDb,
  id: string,
  patch: MediaUpdate,
): Promise<MediaItem | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(mediaItems)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(mediaItems.id, id))
      .returning(mediaColumns);
    if (!row) return undefined;
    const item = toMediaItem(row);
    await enqueueEvent(tx, mediaEvent("updated", item, { occurredAt: row.updatedAt }));
    return item;
  });
}

/** Deletes the record; the owners of the objects remove them when they see `deleted`. */
export async function deleteMedia(db: CatalogueDb, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(mediaItems).where(eq(mediaItems.id, id)).returning(mediaColumns);
    if (!row) return false;
    const eventId = transitionEventId(row.id, "deleted");
    await enqueueEvent(tx, mediaEvent("deleted", toMediaItem(row), { eventId }));
    return true;
  });
}

export type ResultApplication = "applied" | "already_final" | "unknown_media";

/**
 * Applies a processing outcome only to an item still `processing` (one conditional
 * UPDATE), so duplicates and late arrivals change nothing and announce nothing.
 */
export async function applyProcessingResult(
  db: CatalogueDb,
  result: ProcessingResult,
): Promise<ResultApplication> {
  const to = statusAfter(result.outcome);
  const changes =
    result.outcome === "succeeded"
      ? {
          durationS: result.probe.duration_s,
          videoCodec: result.probe.video_codec,
          audioCodec: result.probe.audio_codec,
          width: result.probe.width,
          height: result.probe.height,
          fps: result.probe.fps,
          bitrate: result.probe.bitrate,
          thumbnailKey: result.thumbnail_key,
          publishedAt: sql`now()`,
        }
      : { failureReason: result.reason };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(mediaItems)
      .set({ ...changes, status: to, updatedAt: sql`now()` })
      .where(and(eq(mediaItems.id, result.media_id), inArray(mediaItems.status, sourcesOf(to))))
      .returning(mediaColumns);
    if (!row) {
      const [exists] = await tx
        .select({ id: mediaItems.id })
        .from(mediaItems)
        .where(eq(mediaItems.id, result.media_id));
      return exists ? "already_final" : "unknown_media";
    }
    const eventId = transitionEventId(row.id, to);
    await enqueueEvent(
      tx,
      mediaEvent(to, toMediaItem(row), { eventId, occurredAt: row.updatedAt }),
    );
    return "applied";
  });
}

/**
 * Items still `processing` although they were created more than `olderThanS` ago: their
 * job was lost somewhere (see stale-sweep.ts). Oldest first, at most `limit`.
 */
export async function staleProcessing(
  db: CatalogueDb,
  olderThanS: number,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .select({ id: mediaItems.id })
    .from(mediaItems)
    .where(
      and(
        eq(mediaItems.status, "processing"),
        sql`${mediaItems.createdAt} < now() - make_interval(secs => ${olderThanS})`,
      ),
    )
    .orderBy(mediaItems.createdAt)
    .limit(limit);
  return rows.map((r) => r.id);
}
