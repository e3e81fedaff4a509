import { MediaCreateRequest } from "@streamstack/contracts";
import { z } from "zod";
import { mediaKeyPrefix } from "../domain/media-key.ts";
import type { MediaBucket } from "../s3/media-bucket.ts";

/**
 * A note in the media bucket, written before ingest asks catalogue to record an upload
 * and removed once the processing job is queued. One left behind (crash, timeout,
 * JetStream outage) tells the reconciler what to finish or undo.
 */
export const HandoffMarker = MediaCreateRequest.extend({
  /** `creating`: catalogue may or may not have the item; `created`: it has, the job is missing. */
  stage: z.enum(["creating", "created"]),
});
export type HandoffMarker = z.infer<typeof HandoffMarker>;

export const HANDOFF_PREFIX = "_ingest/handoff/";
export const markerKey = (mediaId: string) => `${HANDOFF_PREFIX}${mediaId}.json`;

/**
 * Deletes everything stored for one media item: the file (whatever its extension), tus's
 * `.info`/`.part` beside it, and a hand-off marker. Idempotent.
 */
export async function removeMedia(bucket: MediaBucket, mediaId: string): Promise<number> {
  const keys = (await bucket.list(mediaKeyPrefix(mediaId))).map((o) => o.key);
  await bucket.remove(...keys, markerKey(mediaId));
  return keys.length;
}
