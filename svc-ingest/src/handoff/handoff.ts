import {
  AppError,
  type CallContext,
  isAppError,
  type JetStreamClient,
  type Logger,
  type MediaItem,
  type NatsConnection,
  publishProcessingJob,
  RPC,
  request,
  type UploadAccepted,
} from "@streamstack/contracts/server";
import type { MediaBucket } from "../s3/media-bucket.ts";
import { type HandoffMarker, markerKey, removeMedia } from "./marker.ts";

export interface HandoffDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  bucket: MediaBucket;
  logger: Logger;
  catalogueTimeoutMs: number;
}

/** An upload fully stored at `key`, ready to enter the pipeline. */
export interface StoredMedia {
  mediaId: string;
  key: string;
  contentType: string;
  title: string;
  description: string;
}

/**
 * The one pipeline both upload paths end in: true size from S3 → catalogue records the
 * item (`processing`) → the processing job is queued (Nats-Msg-Id = media id).
 *
 * Failure semantics (the marker makes each one end clean):
 * - catalogue refuses or is absent (no responders): the object and marker are deleted,
 *   the error goes back (503 for absent) — no orphan;
 * - catalogue times out: it may or may not have the item; the marker stays and the
 *   reconciler finishes the hand-off (504, details.media_id);
 * - JetStream refuses the job after retries: the item exists as `processing`; the marker
 *   stays (stage `created`) and the reconciler queues the job (503, details.media_id).
 */
export async function handOff(
  deps: HandoffDeps,
  media: StoredMedia,
  ctx: CallContext,
): Promise<UploadAccepted> {
  const log = deps.logger.child({ media_id: media.mediaId, request_id: ctx.requestId });
  const marker: HandoffMarker = {
    media_id: media.mediaId,
    s3_key: media.key,
    content_type: media.contentType,
    size_bytes: 0,
    title: media.title,
    description: media.description,
    stage: "creating",
  };
  try {
    marker.size_bytes = await deps.bucket.sizeOf(media.key);
    await deps.bucket.putJson(markerKey(media.mediaId), marker);
  } catch (cause) {
    await rollBack(deps, media, log);
    throw new AppError("unavailable", "storage is unavailable; upload again shortly", undefined, {
      cause,
    });
  }

  let item: MediaItem;
  try {
    ({ item } = await createItem(deps, marker, ctx));
  } catch (err) {
    if (isAppError(err) && err.code === "timeout") {
      log.warn("catalogue timed out; the reconciler finishes this hand-off");
      throw new AppError(
        "timeout",
        "catalogue did not answer in time; the upload is kept and will be recorded shortly",
        { media_id: media.mediaId },
      );
    }
    await rollBack(deps, media, log);
    throw err;
  }

  try {
    await queueJob(deps.js, marker);
  } catch (cause) {
    log.error({ err: cause }, "processing job not queued; the reconciler retries it");
    await deps.bucket
      .putJson(markerKey(media.mediaId), { ...marker, stage: "created" })
      .catch((err) => log.error({ err }, "could not update the hand-off marker"));
    throw new AppError(
      "unavailable",
      "the processing queue is unavailable; the video is recorded and will be processed automatically",
      { media_id: media.mediaId },
      { cause },
    );
  }
  await deps.bucket
    .remove(markerKey(media.mediaId))
    .catch((err) => log.warn({ err }, "hand-off marker left; the reconciler removes it"));
  return { media_id: media.mediaId, status: item.status, item };
}

/**
 * Retries span a NATS cluster's leader election: a stream whose leader died has none for
 * several seconds (raft election timeouts of 2.9 are 4–9 s), and a client whose server died
 * needs a moment to reconnect elsewhere. An upload is worth the wait more than a 503.
 */
const RETRY_DELAYS_MS = [0, 250, 500, 1000, 2000, 3000, 3500];
/** Reconnecting to another node takes well under a second: a shorter wait for catalogue. */
const CREATE_RETRY_DELAYS_MS = [0, 250, 500, 1000, 2000];

/**
 * Asks catalogue to record the item. "No responders" means the request reached no
 * catalogue (all reconnecting after a NATS node died, or restarting): nothing happened,
 * so it is retried like the job; a timeout is not (the reconciler owns that case).
 */
async function createItem(deps: HandoffDeps, marker: HandoffMarker, ctx: CallContext) {
  for (let i = 0; ; i++) {
    try {
      return await request(deps.nc, RPC.mediaCreate, marker, {
        ...ctx,
        timeoutMs: deps.catalogueTimeoutMs,
      });
    } catch (err) {
      const delay = CREATE_RETRY_DELAYS_MS[i + 1];
      if (!isAppError(err) || err.code !== "unavailable" || delay === undefined) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** Publishes the job (deduplicated by media id), retrying across a leader election. */
export async function queueJob(js: JetStreamClient, marker: HandoffMarker): Promise<void> {
  let last: unknown;
  for (const delay of RETRY_DELAYS_MS) {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    try {
      await publishProcessingJob(js, {
        media_id: marker.media_id,
        s3_key: marker.s3_key,
        content_type: marker.content_type,
        size_bytes: marker.size_bytes,
        enqueued_at: new Date().toISOString(),
      });
      return;
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

async function rollBack(deps: HandoffDeps, media: StoredMedia, log: Logger) {
  await removeMedia(deps.bucket, media.mediaId).catch((err) =>
    log.error({ err, key: media.key }, "could not remove a refused upload"),
  );
}
