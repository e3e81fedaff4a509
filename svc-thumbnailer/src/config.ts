import { BaseEnv, CONSUMERS, S3Env } from "@streamstack/contracts/server";
import { z } from "zod";

/** The thumbnailer's environment: the platform's base and S3 keys plus its own knobs. */
export const ThumbnailerEnv = BaseEnv.extend(S3Env.shape).extend({
  /** Jobs handled at once by this instance (each runs one ffprobe, then one ffmpeg). */
  THUMBNAILER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** A system ffmpeg/ffprobe instead of the ones shipped by the npm installers. */
  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
  /** ffprobe/ffmpeg are killed after this long; the job is then retried. */
  THUMBNAILER_MEDIA_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  /** First retry delay of a transient failure; the n-th delivery waits n times this. */
  THUMBNAILER_RETRY_BASE_MS: z.coerce.number().int().min(0).default(2000),
  /**
   * Consumer settings. The defaults come from contracts; overriding them is for tests
   * (a short ack wait to exercise redelivery). Every instance applies its values to the
   * shared durable consumer at start, so production instances must agree.
   */
  THUMBNAILER_ACK_WAIT_MS: z.coerce
    .number()
    .int()
    .min(500)
    .default(CONSUMERS.processingJobs.ackWaitMs),
  THUMBNAILER_MAX_DELIVER: z.coerce
    .number()
    .int()
    .min(1)
    .default(CONSUMERS.processingJobs.maxDeliver),
});
export type ThumbnailerConfig = z.output<typeof ThumbnailerEnv>;
