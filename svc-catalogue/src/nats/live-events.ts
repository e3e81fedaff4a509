import {
  CatalogueEvent,
  followStream,
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
 * Follows stream CATALOGUE_EVENTS from the next sequence, or right after `afterSeq`, with
 * contracts' followStream: in order, and on across the loss of the cluster node its
 * consumer lived on. The start is fixed before returning, so nothing published after this
 * call resolves can be missed, and JetStream's dedupe applies.
 */
export async function followCatalogueEvents(
  nats: { js: JetStreamClient; jsm: JetStreamManager },
  afterSeq?: number,
): Promise<LiveEventFeed> {
  const stream = STREAMS.catalogueEvents.name;
  const { state } = await whileClusterSettles(() => nats.jsm.streams.info(stream));
  const next = state.last_seq + 1;
  const startSeq =
    afterSeq === undefined ? next : Math.min(next, Math.max(afterSeq + 1, next - MAX_REPLAY));
  const messages = await followStream(nats, {
    stream,
    filterSubject: SUBJECTS.catalogueEvents,
    startSeq,
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
    stop: () => messages.stop(),
  };
}
