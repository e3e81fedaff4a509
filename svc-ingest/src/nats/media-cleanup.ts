import {
  CONSUMERS,
  type Consumption,
  consume,
  type JetStreamClient,
  type Logger,
  MediaDeleted,
  RetryLater,
} from "@streamstack/contracts/server";
import { removeMedia } from "../handoff/marker.ts";
import type { MediaBucket } from "../s3/media-bucket.ts";

/**
 * On `catalogue.events.media.deleted`, deletes the media file (its extension is not in
 * the event, so by prefix `<media_id>.`). Idempotent: a redelivery finds nothing left.
 * The thumbnail is the thumbnailer's to delete (its own consumer of the same event).
 */
export function startMediaCleanup(deps: {
  js: JetStreamClient;
  bucket: MediaBucket;
  logger: Logger;
}): Promise<Consumption> {
  return consume(
    deps.js,
    CONSUMERS.mediaCleanup,
    MediaDeleted,
    async (event) => {
      let removed: number;
      try {
        removed = await removeMedia(deps.bucket, event.media_id);
      } catch (cause) {
        throw new RetryLater("media bucket unavailable", 5000, { cause });
      }
      deps.logger.info({ media_id: event.media_id, removed }, "media file removed");
    },
    { logger: deps.logger, concurrency: 4 },
  );
}
