import {
  type JetStreamClient,
  type ProbeResult,
  publishProcessingResult,
  RetryLater,
} from "@streamstack/contracts/server";
import { boundReason } from "../domain/failure.ts";

/**
 * Publishes a job outcome for catalogue. `Nats-Msg-Id` is `<media_id>.<outcome>`, so a
 * reprocessed job within the stream's duplicate window adds no second result. A
 * failure to publish is transient: the job is retried, never acked without a result.
 */
export async function publishSucceeded(
  js: JetStreamClient,
  mediaId: string,
  processed: { probe: ProbeResult; thumbnail_key: string },
) {
  await publishOrRetry(js, {
    outcome: "succeeded",
    media_id: mediaId,
    ...processed,
    finished_at: new Date().toISOString(),
  });
}

export async function publishFailed(js: JetStreamClient, mediaId: string, reason: string) {
  await publishOrRetry(js, {
    outcome: "failed",
    media_id: mediaId,
    reason: boundReason(reason),
    finished_at: new Date().toISOString(),
  });
}

async function publishOrRetry(
  js: JetStreamClient,
  result: Parameters<typeof publishProcessingResult>[1],
) {
  try {
    await publishProcessingResult(js, result);
  } catch (err) {
    throw new RetryLater(
      `could not publish the ${result.outcome} result: ${(err as Error).message}`,
      2000,
      {
        cause: err,
      },
    );
  }
}
