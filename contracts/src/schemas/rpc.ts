import { z } from "zod";
import { IsoDateTime, S3Key, Uuid } from "./common.ts";
import { MediaDescription, MediaItem, MediaTitle } from "./media.ts";

/** catalogue.rpc.media.create — ingest asks catalogue to record an uploaded video. */
export const MediaCreateRequest = z.object({
  media_id: Uuid,
  title: MediaTitle,
  description: MediaDescription.default(""),
  s3_key: S3Key,
  size_bytes: z.number().int().nonnegative(),
  content_type: z.string().min(1),
});
export type MediaCreateRequest = z.infer<typeof MediaCreateRequest>;
export const MediaCreateResponse = z.object({ item: MediaItem, created: z.boolean() });

/** catalogue.rpc.media.get — read one item (any status), e.g. for ingest status pages. */
export const MediaGetRequest = z.object({ media_id: Uuid });
export const MediaGetResponse = z.object({ item: MediaItem });

/** streaming.rpc.token.issue — catalogue asks streaming for a stream token. */
export const StreamTokenIssueRequest = z.object({
  media_id: Uuid,
  s3_key: S3Key,
  size_bytes: z.number().int().nonnegative(),
  content_type: z.string().min(1),
});
export type StreamTokenIssueRequest = z.infer<typeof StreamTokenIssueRequest>;
export const StreamTokenIssueResponse = z.object({
  token: z.string(),
  stream_url: z.string(),
  expires_at: IsoDateTime,
});

/** Value stored in KV `stream-tokens` under the token. */
export const StreamTokenRecord = z.object({
  media_id: Uuid,
  user_id: Uuid,
  issued_at: IsoDateTime,
  s3_key: z.string(),
  size_bytes: z.number().int().nonnegative(),
  content_type: z.string(),
});
export type StreamTokenRecord = z.infer<typeof StreamTokenRecord>;
