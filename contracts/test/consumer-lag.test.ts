import { startTestNats, type TestNats } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConsumer, ensureStream } from "../src/nats/jetstream.ts";
import type { ConsumerDef, StreamDef } from "../src/nats/topology.ts";
import { BaseEnv, parseEnv } from "../src/runtime/config.ts";
import { watchConsumerLag } from "../src/runtime/consumer-lag.ts";
import { type ServiceKit, startKit } from "../src/runtime/kit.ts";

// Consumer lag gauges read from a real nats-server at scrape time, and a scrape that
// still answers (without them) once NATS is gone.
let nats: TestNats;
let kit: ServiceKit;
const stream: StreamDef = {
  name: "LAG_TEST",
  owner: "ingest",
  subjects: ["lagtest.>"],
  retention: "limits",
  maxAgeMs: 600_000,
  description: "consumer lag test",
};
const consumer: ConsumerDef = {
  stream: stream.name,
  durable: "lag-test",
  owner: "ingest",
  filterSubject: "lagtest.>",
  ackWaitMs: 30_000,
  maxDeliver: -1,
  maxAckPending: 16,
};
const missing = { stream: stream.name, durable: "nobody-made-me" };

beforeAll(async () => {
  nats = await startTestNats();
  const env = parseEnv(BaseEnv, { PORT: "0", NATS_URL: nats.url, LOG_LEVEL: "silent" });
  kit = await startKit({ name: "ingest", description: "lag test", env });
  await ensureStream(kit.jsm, stream, { replicas: 1 });
  await ensureConsumer(kit.jsm, consumer);
  watchConsumerLag(kit.metrics, kit.jsm, [consumer, missing], { timeoutMs: 500 });
});
afterAll(async () => {
  await kit?.close();
  await nats?.stop();
});

/** The lag series of the exposition, as `name{consumer}` → value. */
async function lagSeries(): Promise<Record<string, number>> {
  const text = await kit.metrics.registry.metrics();
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^(jetstream_consumer_\w+)\{.*consumer="([^"]+)".*\} (\d+)$/.exec(line);
    if (m) out[`${m[1]}{${m[2]}}`] = Number(m[3]);
  }
  return out;
}

describe("watchConsumerLag", () => {
  it("reports pending, ack pending and redelivered per consumer", async () => {
    await kit.js.publish("lagtest.0", new Uint8Array([0]));
    expect(await lagSeries()).toEqual({
      "jetstream_consumer_num_pending{lag-test}": 1,
      "jetstream_consumer_num_ack_pending{lag-test}": 0,
      "jetstream_consumer_num_redelivered{lag-test}": 0,
    });

    const pull = await kit.js.consumers.get(stream.name, consumer.durable);
    const first = await pull.next({ expires: 5_000 });
    first?.nak(); // straight back: the next pull gets it again, as a redelivery
    const again = await pull.next({ expires: 5_000 });
    expect(again?.redelivered).toBe(true);
    for (let i = 1; i < 3; i++) await kit.js.publish(`lagtest.${i}`, new Uint8Array([i]));
    // The consumer without info (never created) is left out, not reported as 0.
    expect(await lagSeries()).toEqual({
      "jetstream_consumer_num_pending{lag-test}": 2,
      "jetstream_consumer_num_ack_pending{lag-test}": 1,
      "jetstream_consumer_num_redelivered{lag-test}": 1,
    });
    again?.ack();
  });

  it("answers a scrape without lag series when NATS is down", async () => {
    await nats.stop();
    const text = await kit.metrics.registry.metrics();
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("# TYPE jetstream_consumer_num_pending gauge");
    expect(text).not.toMatch(/^jetstream_consumer_num_pending\{/m);
  });
});
