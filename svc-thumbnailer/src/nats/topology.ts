import {
  CONSUMERS,
  type ConsumerDef,
  ensureConsumer,
  ensureStream,
  type JetStreamManager,
  STREAMS,
} from "@streamstack/contracts/server";

/**
 * Everything the thumbnailer reads from or writes to, created or updated to its
 * definition (idempotent; streams it does not own are only created if missing). Ingest
 * also ensures the job stream and catalogue its event stream; whoever starts first creates
 * them, so start order does not matter.
 * Returns the job consumer as configured (ack wait and max deliver may be overridden).
 */
export async function ensureThumbnailerTopology(
  jsm: JetStreamManager,
  opts: { replicas: number; ackWaitMs: number; maxDeliver: number },
): Promise<ConsumerDef> {
  const streams = [STREAMS.processingJobs, STREAMS.processingResults, STREAMS.catalogueEvents];
  for (const stream of streams) {
    await retried(() =>
      ensureStream(jsm, stream, { replicas: opts.replicas, service: "thumbnailer" }),
    );
  }
  const jobs: ConsumerDef = {
    ...CONSUMERS.processingJobs,
    ackWaitMs: opts.ackWaitMs,
    maxDeliver: opts.maxDeliver,
  };
  await retried(() => ensureConsumer(jsm, jobs));
  await retried(() => ensureConsumer(jsm, CONSUMERS.thumbnailCleanup));
  return jobs;
}

/** Two services may create the same stream or consumer at the same moment; once more settles it. */
async function retried<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch {
    await new Promise((r) => setTimeout(r, 250));
    return attempt();
  }
}
