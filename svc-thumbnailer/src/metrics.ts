import {
  CONSUMERS,
  type ConsumerDef,
  type JetStreamManager,
  type Metrics,
} from "@streamstack/contracts/server";
import { Counter, Gauge, Histogram } from "prom-client";

export type JobOutcome = "succeeded" | "failed" | "retried" | "gave_up";

/**
 * The thumbnailer's own series, on the service registry: how long jobs take, how they
 * end, and how far the work queue is behind (read from the consumer at scrape time).
 */
export function createThumbnailerMetrics(
  metrics: Metrics,
  queue: { jsm: JetStreamManager; consumer: ConsumerDef },
) {
  const registers = [metrics.registry];
  const jobDuration = new Histogram({
    name: "thumbnailer_job_duration_seconds",
    help: "Processing time of one job delivery (probe, thumbnail, upload), by outcome",
    labelNames: ["outcome"] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers,
  });
  const jobs = new Counter({
    name: "thumbnailer_jobs_total",
    help: "Job deliveries by outcome: succeeded, failed (bad input), retried, gave_up",
    labelNames: ["outcome"] as const,
    registers,
  });
  const thumbnailsDeleted = new Counter({
    name: "thumbnailer_thumbnails_deleted_total",
    help: "Thumbnails removed after their media item was deleted",
    registers,
  });
  const { jsm, consumer } = queue;
  new Gauge({
    name: "thumbnailer_queue_jobs",
    help: "Jobs in the work queue: waiting (not yet delivered) and in_flight (unacknowledged)",
    labelNames: ["state"] as const,
    registers,
    // One consumer-info request per scrape: cheap, and never stale.
    async collect() {
      try {
        const info = await jsm.consumers.info(consumer.stream, consumer.durable);
        this.set({ state: "waiting" }, info.num_pending);
        this.set({ state: "in_flight" }, info.num_ack_pending);
      } catch {
        this.reset(); // unknown beats wrong
      }
    },
  });
  return {
    observeJob(outcome: JobOutcome, seconds: number) {
      jobDuration.observe({ outcome }, seconds);
      jobs.inc({ outcome });
      metrics.messages.inc({ consumer: consumer.durable, outcome });
    },
    thumbnailDeleted() {
      thumbnailsDeleted.inc();
      metrics.messages.inc({ consumer: CONSUMERS.thumbnailCleanup.durable, outcome: "deleted" });
    },
  };
}

export type ThumbnailerMetrics = ReturnType<typeof createThumbnailerMetrics>;
