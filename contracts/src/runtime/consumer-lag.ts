import type { ConsumerInfo, JetStreamManager } from "nats";
import { Gauge } from "prom-client";
import type { ConsumerDef } from "../nats/topology.ts";
import type { Metrics } from "./metrics.ts";

/** How long a scrape waits for the consumers' info before answering without it. */
export const CONSUMER_LAG_TIMEOUT_MS = 2_000;

type Lag = Pick<ConsumerInfo, "num_pending" | "num_ack_pending" | "num_redelivered">;

/**
 * How far behind each durable consumer a service owns is, read from JetStream when
 * Prometheus scrapes (never stale, nothing to poll in between):
 * `jetstream_consumer_num_pending` (not yet delivered), `jetstream_consumer_num_ack_pending`
 * (delivered, not yet acknowledged) and `jetstream_consumer_num_redelivered` (delivered
 * more than once), each by `stream` and `consumer`. One consumer-info request per
 * consumer per scrape, shared by the three gauges. When NATS does not answer within
 * `timeoutMs` the series are left out (unknown beats wrong) and the scrape goes on.
 */
export function watchConsumerLag(
  metrics: Metrics,
  jsm: JetStreamManager,
  consumers: readonly Pick<ConsumerDef, "stream" | "durable">[],
  opts: { timeoutMs?: number } = {},
): void {
  const timeoutMs = opts.timeoutMs ?? CONSUMER_LAG_TIMEOUT_MS;
  // prom-client starts every metric's collect() in the same tick: the first starts the
  // reads, the other two gauges join them.
  let reading: Promise<(Lag | undefined)[]> | undefined;
  const read = () => {
    reading ??= Promise.all(
      consumers.map((c) => within(timeoutMs, jsm.consumers.info(c.stream, c.durable))),
    ).finally(() => {
      reading = undefined;
    });
    return reading;
  };
  // Names written out as `name: "…"`: infra's dashboard test finds exported series so.
  const gauges = [
    {
      name: "jetstream_consumer_num_pending",
      help: "Messages of the consumer's stream not yet delivered to it",
      field: "num_pending",
    },
    {
      name: "jetstream_consumer_num_ack_pending",
      help: "Messages delivered to the consumer and not yet acknowledged",
      field: "num_ack_pending",
    },
    {
      name: "jetstream_consumer_num_redelivered",
      help: "Messages the consumer has had delivered more than once",
      field: "num_redelivered",
    },
  ] as const;
  for (const { name, help, field } of gauges) {
    new Gauge({
      name,
      help,
      labelNames: ["stream", "consumer"] as const,
      registers: [metrics.registry],
      async collect() {
        const lags = await read();
        this.reset();
        consumers.forEach((c, i) => {
          const lag = lags[i];
          if (lag) this.set({ stream: c.stream, consumer: c.durable }, lag[field]);
        });
      },
    });
  }
}

/** The answer, or undefined when it fails or takes longer than `ms`. */
async function within<T>(ms: number, answer: Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([answer.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
