import { BaseEnv, DatabaseEnv } from "@streamstack/contracts/server";
import { z } from "zod";

/** The catalogue's environment: the platform's names plus a few tunables of its own. */
export const CatalogueEnv = BaseEnv.extend(DatabaseEnv.shape).extend({
  /** How long a stream-token request waits for streaming before answering 504. */
  STREAM_TOKEN_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
  /** Comment line sent on idle Server-Sent Events streams, so proxies keep them open. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(10).max(300_000).default(15_000),
  /** Fallback poll of the event outbox; commits wake the relay at once anyway. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  /** Processing results applied in parallel. */
  RESULTS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /**
   * An item still `processing` this long after its upload is failed with a reason: its job
   * was lost (see stale-sweep.ts). Far above any real job (probe + one frame: seconds).
   */
  PROCESSING_TIMEOUT_S: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(1800),
  /** How often the catalogue looks for such items. */
  PROCESSING_SWEEP_MS: z.coerce.number().int().min(50).max(3_600_000).default(60_000),
});
export type CatalogueConfig = z.output<typeof CatalogueEnv>;
