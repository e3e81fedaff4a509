import {
  type JetStreamClient,
  type Logger,
  type MessageHandler,
  PoisonMessage,
  type ProcessingJob,
  RetryLater,
} from "@streamstack/contracts/server";
import { boundReason, gaveUpReason, MediaRejected, retryDelayMs } from "../domain/failure.ts";
import { type ProcessingDeps, processMedia, type StepTimes } from "../media/process.ts";
import type { ThumbnailerMetrics } from "../metrics.ts";
import type { LastErrors } from "./last-errors.ts";
import { publishFailed, publishSucceeded } from "./results.ts";

export interface JobHandlerDeps {
  js: JetStreamClient;
  logger: Logger;
  processing: ProcessingDeps;
  metrics: ThumbnailerMetrics;
  lastErrors: LastErrors;
  /** The consumer's max_deliver: the delivery that must not end in a plain retry. */
  maxDeliver: number;
  /** How often to tell JetStream the job is still being worked on (< ack wait). */
  heartbeatMs: number;
  retryBaseMs: number;
}

/**
 * Handles one processing job delivery (used with `consume`). Success → succeeded
 * result, ack. Bad input → failed result, term. Anything else → nak with a growing
 * delay; on the last allowed delivery → failed result with the error, ack — so an
 * item never stays `processing`. Crashes and hangs are caught by the MAX_DELIVERIES
 * advisory instead (see give-up.ts).
 */
export function handleProcessingJob(deps: JobHandlerDeps): MessageHandler<ProcessingJob> {
  return async (job, msg) => {
    const delivery = msg.info.redeliveryCount;
    const log = deps.logger.child({ media_id: job.media_id, delivery });
    const started = performance.now();
    const done = (outcome: Parameters<ThumbnailerMetrics["observeJob"]>[0]) =>
      deps.metrics.observeJob(outcome, (performance.now() - started) / 1000);
    // The ack wait is fixed; heartbeats keep a long ffmpeg run from being redelivered.
    const heartbeat = setInterval(() => msg.working(), deps.heartbeatMs);
    // Where the time went (the latency benchmark reads these): queued = job stored → here.
    const ms: StepTimes = { queued: Math.round(Date.now() - msg.info.timestampNanos / 1e6) };
    try {
      const processed = await processMedia(deps.processing, job, ms);
      const publishing = performance.now();
      await publishSucceeded(deps.js, job.media_id, processed);
      ms.publish = Math.round(performance.now() - publishing);
      done("succeeded");
      log.info({ probe: processed.probe, ms }, "media processed");
    } catch (err) {
      if (deps.processing.signal?.aborted) {
        // Shutting down: hand the job straight back to another instance.
        throw new RetryLater("worker shutting down", 0, { cause: err });
      }
      if (err instanceof MediaRejected) {
        await publishFailed(deps.js, job.media_id, err.message);
        done("failed");
        throw new PoisonMessage(err.message, { cause: err });
      }
      if (err instanceof RetryLater) throw err; // could not publish: nothing more to say
      const reason = boundReason((err as Error).message);
      if (delivery >= deps.maxDeliver) {
        await publishFailed(deps.js, job.media_id, gaveUpReason(delivery, reason));
        done("gave_up");
        log.warn({ reason }, "media processing gave up");
        return;
      }
      deps.lastErrors.remember(msg.seq, reason);
      done("retried");
      throw new RetryLater(reason, retryDelayMs(delivery, deps.retryBaseMs), { cause: err });
    } finally {
      clearInterval(heartbeat);
    }
  };
}
