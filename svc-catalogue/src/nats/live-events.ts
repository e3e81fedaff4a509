import {
  CatalogueEvent,
  type JetStreamClient,
  type JetStreamManager,
  STREAMS,
  SUBJECTS,
  whileClusterSettles,
} from "@streamstack/contracts/server";

export interface LiveEvent {
  /** Stream sequence: the SSE id, so a client can resume after it. */
  seq: number;
  event: CatalogueEvent;
}

export interface LiveEventFeed extends AsyncIterable<LiveEvent> {
  stop(): Promise<void>;
}

/** How far back a resuming client may replay; older history is for integrators' consumers. */
const MAX_REPLAY = 1000;

/**
 * Follows stream CATALOGUE_EVENTS with an ephemeral ordered consumer. The start is fixed
 * before returning (the next sequence, or right after `afterSeq`), so nothing published
 * after this call resolves can be missed, and JetStream's dedupe applies.
 */
export async function followCatalogueEvents(
  nats: { js: JetStreamClient; jsm: JetStreamManager },
  afterSeq?: number,
): Promise<LiveEventFeed> {
  const stream = STREAMS.catalogueEvents.name;
  // With a cluster node down, the ephemeral consumer may land on it: try again elsewhere.
  const { consumer, messages } = await whileClusterSettles(async () => {
    const { state } = await nats.jsm.streams.info(stream);
    const next = state.last_seq + 1;
    const start =
      afterSeq === undefined ? next : Math.min(next, Math.max(afterSeq + 1, next - MAX_REPLAY));
    const consumer = await nats.js.consumers.get(stream, {
      filterSubjects: SUBJECTS.catalogueEvents,
      opt_start_seq: start,
    });
    return { consumer, messages: await consumer.consume() };
  });
  return {
    async *[Symbol.asyncIterator]() {
      for await (const m of messages) {
        let raw: unknown;
        try {
          raw = m.json();
        } catch {
          continue; // not JSON: nothing the UI could show
        }
        const parsed = CatalogueEvent.safeParse(raw);
        if (parsed.success) yield { seq: m.seq, event: parsed.data };
      }
    },
    async stop() {
      messages.stop();
      await consumer.delete().catch(() => undefined);
    },
  };
}
