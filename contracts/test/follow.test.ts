import { eventually, startTestNats, type TestNats } from "@streamstack/infra";
import { connect, type JetStreamManager, type JsMsg, type NatsConnection } from "nats";
import { afterAll, beforeAll, expect, it } from "vitest";
import { followStream } from "../src/nats/follow.ts";

// followStream against a real nats-server: when its consumer is lost and a new one
// cannot be made for a while, it keeps trying and goes on from where it was.
let nats: TestNats;
let nc: NatsConnection;
let jsm: JetStreamManager;
const STREAM = "FOLLOW_TEST";

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url });
  jsm = await nc.jetstreamManager();
  // Room for one consumer: the follower's, or for a while a blocker in its place.
  await jsm.streams.add({ name: STREAM, subjects: ["follow.>"], max_consumers: 1 });
});
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

it("goes on, nothing skipped or doubled, after a new consumer was refused for a while", async () => {
  const js = nc.jetstream();
  const follower = await followStream(
    { js, jsm },
    { stream: STREAM, filterSubject: "follow.>", startSeq: 1, heartbeatMs: 500 },
  );
  const got: number[] = [];
  const reading = (async () => {
    for await (const m of follower as AsyncIterable<JsMsg>) got.push(Number(m.string()));
  })();
  try {
    for (const n of [1, 2]) await js.publish("follow.n", String(n));
    await eventually(() => got.length === 2, "the first two messages");

    // The follower's consumer is lost, and the server refuses a new one (consumer limit).
    for (const c of await jsm.consumers.list(STREAM).next()) {
      await jsm.consumers.delete(STREAM, c.name);
    }
    await jsm.consumers.add(STREAM, { durable_name: "blocker", filter_subject: "follow.none" });
    for (const n of [3, 4]) await js.publish("follow.n", String(n));
    // Two missed health checks (1 s), then refused tries for two seconds.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(got).toEqual([1, 2]);

    await jsm.consumers.delete(STREAM, "blocker");
    await js.publish("follow.n", "5");
    await eventually(() => got.length === 5, "the rest, once a consumer may be made again");
    expect(got).toEqual([1, 2, 3, 4, 5]);
  } finally {
    await follower.stop();
    await reading;
  }
});
