import { BaseEnv, S3Env } from "@streamstack/contracts/server";
import { z } from "zod";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const ms = (fallback: number, min = 100) => z.coerce.number().int().min(min).default(fallback);

/** Ingest's environment: the platform's base and S3 keys plus its upload knobs. */
export const IngestEnv = BaseEnv.extend(S3Env.shape).extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(7004),
  /** Largest accepted file, for both multipart and tus. */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(20 * GiB),
  /**
   * Multipart path: S3 part size and parts in flight. Memory per upload is about
   * size × (queue + 2) — parts in flight, one being filled, one read ahead — whatever
   * the file size.
   */
  UPLOAD_PART_BYTES: z.coerce
    .number()
    .int()
    .min(5 * MiB)
    .default(8 * MiB),
  UPLOAD_QUEUE_SIZE: z.coerce.number().int().min(1).max(16).default(4),
  /**
   * tus path: parts are held in memory until S3 has them, at most this many at once over
   * all uploads (in flight plus the ones being filled): memory ≤ size × concurrency.
   * 6: five parts in flight while the next fills — with 5, tus kept up with a direct
   * lib-storage upload only 0.89× (1 GiB, quiet machine); with 6, 1.02× (+48 MB RSS bound).
   */
  TUS_PART_BYTES: z.coerce
    .number()
    .int()
    .min(5 * MiB)
    .default(8 * MiB),
  TUS_PART_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(6),
  /** An unfinished tus upload untouched this long is removed (with its S3 parts). */
  TUS_EXPIRATION_MS: ms(24 * 60 * 60 * 1000, 1000),
  TUS_CLEANUP_INTERVAL_MS: ms(60 * 60 * 1000),
  /** How long to wait for catalogue to record an upload. */
  CATALOGUE_TIMEOUT_MS: ms(5000),
  /** Hand-offs interrupted by a crash or an outage are finished (or undone) this often. */
  RECONCILE_INTERVAL_MS: ms(60_000),
  /** A hand-off marker younger than this is left alone: its request may still be running. */
  RECONCILE_GRACE_MS: ms(30_000, 0),
});
export type IngestConfig = z.output<typeof IngestEnv>;
