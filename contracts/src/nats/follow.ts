import { setTimeout as sleep } from "node:timers/promises";
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  nanos,
} from "nats";
import { whileClusterSettles } from "./jetstream.ts";

export interface StreamFollower extends AsyncIterable<JsMsg> {
  /** Ends the iteration and deletes the consumer. */
  stop(): Promise<void>;
}

export interface FollowOptions {
  stream: string;
  filterSubject: string;
  /** The first stream sequence to deliver. */
  startSeq: number;
  /** How often the consumer's health is asked; two failed answers mean it is gone. */
  heartbeatMs?: number;
}

/**
 * Follows a stream from a sequence, in order, for as long as the caller reads — also
 * across the loss of the node its consumer lives on. The consumer is an ephemeral one
 * (no acks, memory, removed by the server when idle), so on nats-server 2.9 it is a single
 * replica: when that node dies it stops delivering, and nats.js's ordered consumer did not
 * recover from that within 90 s (infra/test/faults-nats-cluster.test.ts). Here two failed
 * health checks end the consumer and a new one starts right after the last message delivered;
 * nothing is skipped, nothing is delivered twice. A new consumer that cannot be made yet
 * is tried again until it can or the caller stops: the iteration only ends by `stop()`
 * (or the caller's own return). The first consumer exists when this resolves: a message
 * stored after that is never missed.
 */
export async function followStream(
  nats: { js: JetStreamClient; jsm: JetStreamManager },
  opts: FollowOptions,
): Promise<StreamFollower> {
  const heartbeatMs = opts.heartbeatMs ?? 5_000;
  let next = opts.startSeq;
  let stopped = false;
  let current: Awaited<ReturnType<typeof open>> | undefined;
  const stopping = new AbortController();

  async function open(startSeq: number) {
    const info = await nats.jsm.consumers.add(opts.stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
      filter_subject: opts.filterSubject,
      mem_storage: true,
      inactive_threshold: nanos(Math.max(30_000, 6 * heartbeatMs)),
    });
    const consumer = await nats.js.consumers.get(opts.stream, info.name);
    const messages = await consumer.consume({ max_messages: 256, expires: 2 * heartbeatMs });
    // Asks the consumer's leader how it is, every heartbeatMs. Two failed answers in a row
    // (timeout, no responders, not found) end this consumer's messages, and the loop below
    // opens a new one. (nats.js's own idle-heartbeat handling did not end the iteration
    // within 90 s of the node's death in the cluster test; why was not established.)
    let misses = 0;
    let asking = false;
    const watchdog = setInterval(() => {
      if (asking) return;
      asking = true;
      nats.jsm.consumers
        .info(opts.stream, info.name)
        .then(
          () => {
            misses = 0;
          },
          () => {
            if (++misses >= 2) void messages.stop();
          },
        )
        .finally(() => {
          asking = false;
        });
    }, heartbeatMs);
    watchdog.unref();
    return { name: info.name, messages, watchdog };
  }

  // The first consumer before returning, so a caller can still answer an error.
  current = await whileClusterSettles(() => open(next));

  /** Ends a consumer: its health checks, its messages, the consumer itself. */
  const close = async (c: NonNullable<typeof current>) => {
    clearInterval(c.watchdog);
    c.messages.stop();
    await nats.jsm.consumers.delete(opts.stream, c.name).catch(() => false);
  };

  return {
    async *[Symbol.asyncIterator]() {
      let failures = 0;
      try {
        while (!stopped) {
          try {
            current ??= await open(next); // a refusal is tried again below
            if (stopped) break;
            for await (const m of current.messages) {
              failures = 0;
              if (m.seq < next) continue; // a new consumer may start where the old one was
              next = m.seq + 1;
              yield m;
            }
          } catch {
            // No consumer could be made (a node or the meta leader still gone, the server
            // refusing for now), or one failed mid-way: the caller is still reading, so
            // try again, from the same sequence, after a pause that grows to 5 s.
            const pause = Math.min(5_000, 250 * 2 ** failures++);
            await sleep(pause, undefined, { signal: stopping.signal }).catch(() => undefined);
          }
          // The consumer went quiet or was deleted (its node died, or it idled out).
          if (current) void close(current);
          current = undefined;
        }
      } finally {
        if (current) await close(current);
        current = undefined;
      }
    },
    async stop() {
      stopped = true;
      stopping.abort(); // ends a pause between tries at once
      const last = current;
      current = undefined;
      if (last) await close(last);
    },
  };
}
