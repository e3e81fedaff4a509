import { z } from "zod";
import { IsoDateTime, S3Key, Uuid } from "./common.ts";

/** A processing job on the work queue: probe the upload and make its thumbnail. */
export const ProcessingJob = z.object({
  media_id: Uuid,
  s3_key: S3Key,
  content_type: z.string(),
  size_bytes: z.number().int().nonnegative(),
  enqueued_at: IsoDateTime,
});
export type ProcessingJob = z.infer<typeof ProcessingJob>;

export const ProbeResult = z.object({
  duration_s: z.number().nonnegative().nullable(),
  video_codec: z.string().nullable(),
  audio_codec: z.string().nullable(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  fps: z.number().nonnegative().nullable(),
  bitrate: z.number().int().nonnegative().nullable(),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

/** What the thumbnailer publishes when a job ends, one way or the other. */
export const ProcessingResult = z.discriminatedUnion("outcome", [
  z.object({
    outcome: z.literal("succeeded"),
    media_id: Uuid,
    probe: ProbeResult,
    thumbnail_key: S3Key,
    finished_at: IsoDateTime,
  }),
  z.object({
    outcome: z.literal("failed"),
    media_id: Uuid,
    reason: z.string().min(1).max(1000),
    finished_at: IsoDateTime,
  }),
]);
export type ProcessingResult = z.infer<typeof ProcessingResult>;

/**
 * The server's advisory on `SUBJECTS.maxDeliveriesAdvisory(stream, consumer)` when a
 * message exhausted `max_deliver` (`io.nats.jetstream.advisory.v1.max_deliver`). Only
 * the fields the platform reads; the message itself stays in a work-queue stream.
 */
export const MaxDeliveriesAdvisory = z.object({
  stream: z.string(),
  consumer: z.string(),
  stream_seq: z.number().int().positive(),
  deliveries: z.number().int().nonnegative(),
});
export type MaxDeliveriesAdvisory = z.infer<typeof MaxDeliveriesAdvisory>;
