import { BaseEnv, S3Env } from "@streamstack/contracts/server";
import { z } from "zod";

/** The streaming edge's environment: the shared keys plus its own, with defaults. */
export const StreamingEnv = BaseEnv.extend(S3Env.shape).extend({
  /** Lifetime of a stream token; also the KV bucket's TTL. Tests use a few seconds. */
  STREAM_TOKEN_TTL_S: z.coerce.number().int().min(1).max(86_400).default(3600),
  /** Tokens each replica keeps in memory (LRU), so range requests skip NATS. */
  STREAM_TOKEN_CACHE_SIZE: z.coerce.number().int().min(1).default(10_000),
  /** How long browsers may reuse a thumbnail before revalidating it. */
  THUMBNAIL_MAX_AGE_S: z.coerce.number().int().min(0).default(300),
  /** Idle keep-alive connections to S3 kept for reuse (one carries one range at a time). */
  S3_MAX_SOCKETS: z.coerce.number().int().min(1).default(256),
});
export type StreamingConfig = z.output<typeof StreamingEnv>;
