import type { MediaItem } from "@streamstack/contracts";
import { getTableColumns } from "drizzle-orm";
import { type MediaRow, mediaItems } from "./schema.ts";

// Every column but the search vector, which is for the index, not for answers.
const { search: _search, ...mediaColumns } = getTableColumns(mediaItems);

export { mediaColumns };
export type StoredMedia = Omit<MediaRow, "search">;

/** Where the streaming edge serves an item's thumbnail (through the gateway). */
export const thumbnailUrl = (mediaId: string) => `/api/v1/stream/thumbnails/${mediaId}.jpg`;

/** A stored row as the API shows it: internal keys stay inside the catalogue. */
export function toMediaItem(row: StoredMedia): MediaItem {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    size_bytes: row.sizeBytes,
    content_type: row.contentType,
    duration_s: row.durationS,
    video_codec: row.videoCodec,
    audio_codec: row.audioCodec,
    width: row.width,
    height: row.height,
    fps: row.fps,
    thumbnail_url: row.thumbnailKey ? thumbnailUrl(row.id) : null,
    failure_reason: row.failureReason,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    published_at: row.publishedAt?.toISOString() ?? null,
  };
}
