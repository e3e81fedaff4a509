import {
  type ConsumerDef,
  decodeJson,
  type JetStreamClient,
  type JetStreamManager,
  type Logger,
  MaxDeliveriesAdvisory,
  type NatsConnection,
  ProcessingJob,
  SUBJECTS,
} from "@streamstack/contracts/server";
import { gaveUpReason } from "../domain/failure.ts";
import type { ThumbnailerMetrics } from "../metrics.ts";
import type { LastErrors } from "./last-errors.ts";
import { publishFailed } from "./results.ts";
import { type DeletedMediaCheck, removeThumbnailIfDeleted } from "./tombstones.ts";

export interface GiveUpDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  logger: Logger;
  consumer: ConsumerDef;
  metrics: ThumbnailerMetrics;
  lastErrors: LastErrors;
  /** The thumbnail of an item deleted meanwhile goes too (see giveUp). */
  deletedMedia: DeletedMediaCheck;
}

/**
 * Ends jobs that used up their deliveries without an answer (the worker crashed,
 * was killed or hung every time): the server raises a MAX_DELIVERIES advisory and
 * leaves the message in the work queue. We publish a `failed` result, then delete it.
 *
 * A core subscription in a queue group: one instance handles each advisory. The
 * server raises it while serving a pull request, i.e. while some instance is running
 * (and subscribed, since we subscribe before pulling).
 */
export function watchExhaustedJobs(deps: GiveUpDeps): { stop(): Promise<void> } {
  const { consumer } = deps;
  const subject = SUBJECTS.maxDeliveriesAdvisory(consumer.stream, consumer.durable);
  const sub = deps.nc.subscribe(subject, { queue: consumer.durable });
  const log = deps.logger.child({ advisory: "max_deliveries" });

  const loop = (async () => {
    for await (const m of sub) {
      try {
        const advisory = decodeJson(MaxDeliveriesAdvisory, m.data, subject);
        await withRetries(() => giveUp(deps, advisory, log), 5, 1000);
      } catch (err) {
        log.error({ err }, "could not end an exhausted job");
      }
    }
  })();

  return {
    async stop() {
      sub.unsubscribe();
      await loop;
    },
  };
}

/**
 * Publishes `failed` for the exhausted job and removes it from the work queue. If its item
 * was deleted meanwhile, the thumbnail goes too: a worker killed between writing it and
 * its after-write tombstone check (tombstones.ts) left it, and no later delivery will
 * check again. An item that was not deleted keeps its thumbnail — an earlier delivery may
 * have published it successfully with only its ack lost.
 */
export async function giveUp(deps: GiveUpDeps, advisory: MaxDeliveriesAdvisory, log: Logger) {
  const { stream } = deps.consumer;
  const seq = advisory.stream_seq;
  let stored: Awaited<ReturnType<JetStreamManager["streams"]["getMessage"]>>;
  try {
    stored = await deps.jsm.streams.getMessage(stream, { seq });
  } catch (err) {
    if (isNotFound(err)) return; // another instance, or a late ack, removed it already
    throw err;
  }
  let job: ProcessingJob | undefined;
  try {
    job = decodeJson(ProcessingJob, stored.data, stored.subject);
  } catch (err) {
    log.warn({ seq, err }, "exhausted message is not a processing job; removing it");
  }
  if (job) {
    const reason = gaveUpReason(advisory.deliveries, deps.lastErrors.take(seq));
    await publishFailed(deps.js, job.media_id, reason);
    deps.metrics.observeJob("gave_up", 0);
    log.warn({ seq, media_id: job.media_id, reason }, "exhausted job ended as failed");
    await removeThumbnailIfDeleted(deps.deletedMedia, job.media_id);
  }
  try {
    await deps.jsm.streams.deleteMessage(stream, seq, false);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

async function withRetries(attempt: () => Promise<void>, times: number, delayMs: number) {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= times) throw err;
      await new Promise((r) => setTimeout(r, delayMs * i));
    }
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: string; api_error?: { err_code?: number }; message?: string };
  // 10037: no message found; 10057 (older servers): message not found.
  return (
    e?.code === "404" ||
    e?.api_error?.err_code === 10037 ||
    e?.api_error?.err_code === 10057 ||
    /no message found/i.test(e?.message ?? "")
  );
}
