import type { Metrics } from "@streamstack/contracts/server";
import { Counter } from "prom-client";
import type { ByteTally } from "../s3/response.ts";

export type { ByteTally };

export const SERVED_KINDS = ["media", "thumbnail"] as const;
export type ServedKind = (typeof SERVED_KINDS)[number];

/**
 * `streaming_bytes_served_total{kind}`, fed by one tally per kind that the relay adds
 * to (see ByteTally); Prometheus reads the running totals at scrape time, so the byte
 * path never hashes labels or allocates for the metric.
 */
export function createBytesServed(metrics: Metrics): Record<ServedKind, ByteTally> {
  const tallies: Record<ServedKind, ByteTally> = { media: { bytes: 0 }, thumbnail: { bytes: 0 } };
  const reported: Record<ServedKind, number> = { media: 0, thumbnail: 0 };
  new Counter({
    name: "streaming_bytes_served_total",
    help: "Body bytes relayed from S3 and taken by clients' sockets, by kind (media, thumbnail)",
    labelNames: ["kind"] as const,
    registers: [metrics.registry],
    collect() {
      for (const kind of SERVED_KINDS) {
        // A counter only moves up: hand on what the tally gained since the last scrape.
        this.inc({ kind }, tallies[kind].bytes - reported[kind]);
        reported[kind] = tallies[kind].bytes;
      }
    },
  });
  return tallies;
}
