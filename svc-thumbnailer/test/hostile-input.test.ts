import { randomUUID } from "node:crypto";
import { CONSUMERS, encodeJson, STREAMS, SUBJECTS } from "@streamstack/contracts/server";
import { garbagePayload, traversal } from "@streamstack/infra";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Thumbnailer } from "../src/app.ts";
import { makeSample } from "./media.ts";
import { ops, startWorld, type World } from "./support.ts";

// "Bad input at every edge: nothing crashes, nothing is redelivered forever" (issue 7), for
// the thumbnailer's two JetStream consumers and its MAX_DELIVERIES advisory subscription.
let world: World;
let worker: Thumbnailer;
let video: string;
beforeAll(async () => {
  world = await startWorld();
  worker = await world.start();
  video = await makeSample(world.dir, "mp4-moov-at-end");
});
afterAll(() => world?.close());

/** Jobs of the right shape with hostile values: wrong types, keys outside the bucket. */
const hostileJob = fc
  .record({
    media_id: fc.oneof(fc.uuid(), traversal, fc.constant(42)),
    s3_key: fc.oneof(
      traversal.map((t) => decodeURIComponent(t.replace(/%(?![0-9a-f]{2})/gi, ""))),
      fc.constantFrom("../media/x.mp4", "/etc/passwd", "./x.mp4", "", 7),
    ),
    content_type: fc.oneof(fc.constant("video/mp4"), fc.constant(null)),
    size_bytes: fc.oneof(fc.constant(-1), fc.constant("10"), fc.constant(2 ** 64)),
    enqueued_at: fc.oneof(fc.constant("yesterday"), fc.constant(new Date().toISOString())),
  })
  .map((job) => encodeJson(job));

async function settled(stream: string, durable: string, lastSeq: number) {
  await vi.waitFor(
    async () => {
      const info = await world.jsm.consumers.info(stream, durable);
      if (info.ack_floor.stream_seq < lastSeq || info.num_ack_pending > 0) {
        throw new Error(`${durable}: ack floor ${info.ack_floor.stream_seq} < ${lastSeq}`);
      }
    },
    { timeout: 30_000, interval: 100 },
  );
  // Terminated at the first delivery: never retried, never left for max_deliver.
  expect((await world.jsm.consumers.info(stream, durable)).num_redelivered).toBe(0);
}

describe("the processing-jobs consumer with garbage jobs", () => {
  it("terminates each at once, leaves the work queue empty, and then processes a valid job", async () => {
    let last = 0;
    const jobs = fc.sample(fc.oneof(garbagePayload, hostileJob), { numRuns: 60, seed: 3 });
    for (const data of jobs) last = (await world.js.publish(SUBJECTS.processingJob, data)).seq;
    const { stream, durable } = CONSUMERS.processingJobs;
    await settled(stream, durable, last);
    await world.waitForEmptyQueue();
    // No result was made up for garbage.
    const { state } = await world.jsm.streams.info(STREAMS.processingResults.name);
    expect(state.messages).toBe(0);

    const job = await world.enqueue(video);
    expect(await world.waitForResult(job.media_id)).toMatchObject({ outcome: "succeeded" });
  });
});

describe("the thumbnail-cleanup consumer with garbage media-deleted events", () => {
  it("terminates each at once and still removes a thumbnail for a valid event", async () => {
    let last = 0;
    for (const data of fc.sample(garbagePayload, { numRuns: 40, seed: 9 })) {
      last = (await world.js.publish("catalogue.events.media.deleted", data)).seq;
    }
    const { stream, durable } = CONSUMERS.thumbnailCleanup;
    await settled(stream, durable, last);

    const job = await world.enqueue(video);
    const result = await world.waitForResult(job.media_id);
    if (result.outcome !== "succeeded") throw new Error("the sample did not process");
    expect(await world.thumbnailExists(result.thumbnail_key)).toBe(true);
    await world.js.publish(
      "catalogue.events.media.deleted",
      encodeJson({
        event_id: randomUUID(),
        type: "media.deleted",
        schema_version: 1,
        occurred_at: new Date().toISOString(),
        media_id: job.media_id,
      }),
    );
    await vi.waitFor(
      async () => expect(await world.thumbnailExists(result.thumbnail_key)).toBe(false),
      {
        timeout: 30_000,
        interval: 100,
      },
    );
  });
});

describe("the MAX_DELIVERIES advisory subscription with garbage", () => {
  it("ignores it and the worker stays healthy", async () => {
    const { stream, durable } = CONSUMERS.processingJobs;
    const subject = SUBJECTS.maxDeliveriesAdvisory(stream, durable);
    for (const data of fc.sample(garbagePayload, { numRuns: 30, seed: 13 }))
      world.nc.publish(subject, data);
    // An advisory of the right shape for a sequence that does not exist.
    world.nc.publish(
      subject,
      encodeJson({
        type: "io.nats.jetstream.advisory.v1.max_deliver",
        stream,
        consumer: durable,
        stream_seq: 999_999,
        deliveries: 4,
      }),
    );
    await world.nc.flush();
    expect((await ops(worker.port, "/healthz")).status).toBe(200);
    const job = await world.enqueue(video);
    expect(await world.waitForResult(job.media_id)).toMatchObject({ outcome: "succeeded" });
  });
});
