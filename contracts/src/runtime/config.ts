import { z } from "zod";

/**
 * Environment shared by every service. Each service extends it with its own keys;
 * `infra/` derives the local stack's and compose's environments from these names.
 */
export const BaseEnv = z.object({
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  NATS_URL: z.string().default("nats://127.0.0.1:4222"),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  /** Replicas for streams and KV buckets: 1 on one server, 3 on a cluster. */
  NATS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  JWT_ISSUER: z.string().default("streamstack"),
});

export const S3Env = z.object({
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  S3_BUCKET_MEDIA: z.string().default("media"),
  S3_BUCKET_THUMBNAILS: z.string().default("thumbnails"),
});

export const DatabaseEnv = z.object({ DATABASE_URL: z.string().url() });

/** Parses the environment once at start, failing fast with every problem named. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
  throw new Error(`invalid configuration:\n${problems}`);
}
