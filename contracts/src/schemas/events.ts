import { z } from "zod";
import { IsoDateTime, Uuid } from "./common.ts";
import { MediaItem } from "./media.ts";

/**
 * Events for integrators on stream CATALOGUE_EVENTS. Compatibility rule: fields may
 * be added freely within a schema version; removing or changing one is a new
 * `schema_version` (and, for consumers that filter, a new event type).
 */
export const CATALOGUE_EVENT_SCHEMA_VERSION = 1;

const envelope = {
  event_id: Uuid,
  schema_version: z.literal(CATALOGUE_EVENT_SCHEMA_VERSION),
  occurred_at: IsoDateTime,
};

export const MediaEventType = z.enum(["created", "published", "updated", "failed", "deleted"]);
export type MediaEventType = z.infer<typeof MediaEventType>;

const withMedia = (type: Exclude<MediaEventType, "deleted">) =>
  z.object({ ...envelope, type: z.literal(`media.${type}`), media: MediaItem });

export const MediaCreated = withMedia("created");
export const MediaPublished = withMedia("published");
export const MediaUpdated = withMedia("updated");
export const MediaFailed = withMedia("failed");
export const MediaDeleted = z.object({
  ...envelope,
  type: z.literal("media.deleted"),
  media_id: Uuid,
});

export const CatalogueEvent = z.discriminatedUnion("type", [
  MediaCreated,
  MediaPublished,
  MediaUpdated,
  MediaFailed,
  MediaDeleted,
]);
export type CatalogueEvent = z.infer<typeof CatalogueEvent>;
