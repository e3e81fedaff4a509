import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { gatedTool, gateStarts, hangingFfprobe, slowFfprobe } from "./fakes.ts";
import { makeSample } from "./media.ts";
import { jobConsumerInfo, startWorld, type World } from "./support.ts";

// How the job consumer behaves over time: heartbeats, shutdown, time limits. Each test has a
// world of its own, since consumer settings (ack wait, max deliver) are per NATS server.
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("a job that takes longer than the ack wait", () => {
  it("is kept alive with working() heartbeats and delivered exactly once", async () => {
    world = await startWorld();
    const marker = join(world.dir, "probe-started");
    // Ack wait 2 s; the probe alone takes 5 s.
    await world.start({
      THUMBNAILER_ACK_WAIT_MS: "2000",
      FFPROBE_PATH: await slowFfprobe(world.dir, marker, 5),
    });
    const job = await world.enqueue(await makeSample(world.dir, "mp4-moov-at-end"));
    expect(await world.waitForResult(job.media_id)).toMatchObject({ outcome: "succeeded" });
    await world.waitForEmptyQueue();
    const info = await jobConsumerInfo(world);
    expect(info.delivered.consumer_seq).toBe(1);
    expect(info.config.ack_wait).toBe(2_000_000_000); // the test really ran with a short ack wait
  });
});

describe("bounded concurrency", () => {
  it("runs at most THUMBNAILER_CONCURRENCY jobs at once; the rest wait in the queue", async () => {
    world = await startWorld();
    const gate = { dir: join(world.dir, "gate"), go: join(world.dir, "gate", "go") };
    await world.start({
      THUMBNAILER_CONCURRENCY: "2",
      FFPROBE_PATH: await gatedTool(world.dir, "ffprobe", gate),
    });
    const sample = await makeSample(world.dir, "mp4-moov-at-end");
    const jobs = [];
    for (let i = 0; i < 5; i++) jobs.push(await world.enqueue(sample));
    await vi.waitFor(() => expect(gateStarts(gate)).toBe(2), { timeout: 30_000 });
    // Held at the gate a while: no third probe starts, and no third job is even fetched: the
    // three wait in the stream, where their ack wait has not begun.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(gateStarts(gate)).toBe(2);
    expect(await jobConsumerInfo(world)).toMatchObject({ num_ack_pending: 2, num_pending: 3 });

    writeFileSync(gate.go, "");
    for (const job of jobs)
      expect(await world.waitForResult(job.media_id)).toMatchObject({ outcome: "succeeded" });
  });

  it("leaves a job it cannot start yet to an idle peer", async () => {
    world = await startWorld();
    const gate = { dir: join(world.dir, "gate"), go: join(world.dir, "gate", "go") };
    const busy = { THUMBNAILER_CONCURRENCY: "2" };
    await world.start({ ...busy, FFPROBE_PATH: await gatedTool(world.dir, "ffprobe", gate) });
    const sample = await makeSample(world.dir, "mp4-moov-at-end");
    const held = [await world.enqueue(sample), await world.enqueue(sample)];
    await vi.waitFor(() => expect(gateStarts(gate)).toBe(2), { timeout: 30_000 });
    const waiting = await world.enqueue(sample);
    await new Promise((r) => setTimeout(r, 1_000)); // time for the busy worker to fetch ahead

    await world.start(); // idle, with the real ffprobe
    // Well within the 30 s ack wait: a job fetched ahead by the busy worker would reach the
    // idle one only when that ran out (31 s, measured with nats.js's fetch-ahead consume).
    const result = await world.waitForResult(waiting.media_id, 15_000);
    expect(result).toMatchObject({ outcome: "succeeded" });
    expect(gateStarts(gate)).toBe(2); // the busy worker is still on its first two jobs
    writeFileSync(gate.go, "");
    for (const job of held)
      expect(await world.waitForResult(job.media_id)).toMatchObject({ outcome: "succeeded" });
  });
});

describe("shutdown with a job in flight", () => {
  it("hands the job back at once (nak), and another instance completes it", async () => {
    world = await startWorld();
    const marker = join(world.dir, "probe-started");
    // A 10-minute ack wait: unless the stopping worker hands the job back, nobody else could
    // get it before the test times out.
    const longAckWait = { THUMBNAILER_ACK_WAIT_MS: "600000" };
    const stopping = await world.start({
      ...longAckWait,
      FFPROBE_PATH: await slowFfprobe(world.dir, marker),
    });
    const job = await world.enqueue(await makeSample(world.dir, "mp4-moov-at-end"));
    await vi.waitFor(() => expect(existsSync(marker)).toBe(true), { timeout: 30_000 });
    expect((await jobConsumerInfo(world)).num_ack_pending).toBe(1);

    await stopping.close();
    expect(await world.results(job.media_id)).toEqual([]); // no verdict from a stopping worker

    await world.start(longAckWait);
    expect(await world.waitForResult(job.media_id)).toMatchObject({ outcome: "succeeded" });
    expect((await jobConsumerInfo(world)).delivered.consumer_seq).toBe(2);
  });
});

describe("a tool that hangs", () => {
  it("is killed at the time limit, retried, and the job ends failed with that reason", async () => {
    world = await startWorld();
    await world.start({
      FFPROBE_PATH: await hangingFfprobe(world.dir),
      THUMBNAILER_MEDIA_TIMEOUT_MS: "1000",
      THUMBNAILER_MAX_DELIVER: "2",
      THUMBNAILER_RETRY_BASE_MS: "100",
    });
    const sample = await makeSample(world.dir, "mp4-moov-at-end");
    const job = await world.enqueue(sample, { key: `hang-${crypto.randomUUID()}.mp4` });
    expect(await world.waitForResult(job.media_id)).toMatchObject({
      outcome: "failed",
      reason: "processing gave up after 2 attempts: ffprobe did not finish within 1 s",
    });
    await world.waitForEmptyQueue();
    expect((await jobConsumerInfo(world)).delivered.consumer_seq).toBe(2);
  });
});
