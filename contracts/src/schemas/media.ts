import { z } from "zod";
import { IsoDateTime, MultiLineText, SingleLineText, Uuid } from "./common.ts";

export const MediaStatus = z.enum(["processing", "published", "failed"]);
export type MediaStatus = z.infer<typeof MediaStatus>;

/** A video in the catalogue, as every HTTP answer and event carries it. */
export const MediaItem = z.object({
  id: Uuid,
  title: z.string(),
  description: z.string(),
  status: MediaStatus,
  size_bytes: z.number().int().nonnegative().nullable(),
  content_type: z.string().nullable(),
  duration_s: z.number().nonnegative().nullable(),
  video_codec: z.string().nullable(),
  audio_codec: z.string().nullable(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  fps: z.number().nonnegative().nullable(),
  thumbnail_url: z.string().nullable(),
  failure_reason: z.string().nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  published_at: IsoDateTime.nullable(),
});
export type MediaItem = z.infer<typeof MediaItem>;

export const MediaTitle = SingleLineText.trim().min(1).max(200);
export const MediaDescription = MultiLineText.trim().max(5000);

export const MediaListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(24),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  status: z.enum(["processing", "published", "failed", "all"]).optional(),
});
export type MediaListQuery = z.infer<typeof MediaListQuery>;

export const MediaList = z.object({
  items: z.array(MediaItem),
  next_cursor: z.string().nullable(),
});
export type MediaList = z.infer<typeof MediaList>;

export const MediaUpdate = z
  .strictObject({ title: MediaTitle.optional(), description: MediaDescription.optional() })
  .refine((u) => u.title !== undefined || u.description !== undefined, {
    message: "give at least one of title, description",
  });
export type MediaUpdate = z.infer<typeof MediaUpdate>;

export const StreamTokenAnswer = z.object({
  stream_url: z.string(),
  expires_at: IsoDateTime,
});
export type StreamTokenAnswer = z.infer<typeof StreamTokenAnswer>;

/** What ingest answers with 202 once an upload entered the pipeline. */
export const UploadAccepted = z.object({
  media_id: Uuid,
  status: MediaStatus,
  item: MediaItem,
});
export type UploadAccepted = z.infer<typeof UploadAccepted>;
