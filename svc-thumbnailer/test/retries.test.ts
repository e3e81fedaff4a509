import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Thumbnailer } from "../src/app.ts";
import { hiccupFfprobe, oomFfmpeg } from "./fakes.ts";
import { makeSample } from "./media.ts";
import { jobConsumerInfo, metricValue, ops, startWorld, type World } from "./support.ts";

// Transient failures: the job is nak'ed with a delay and redelivered, a bounded number of times.
let world: World;
let worker: Thumbnailer;
let sample: string;

beforeAll(async () => {
  world = await startWorld();
  worker = await world.start({
    FFPROBE_PATH: await hiccupFfprobe(world.dir),
    FFMPEG_PATH: await oomFfmpeg(world.dir),
    THUMBNAILER_MAX_DELIVER: "3",
    THUMBNAILER_RETRY_BASE_MS: "100",
  });
  sample = await makeSample(world.dir, "mp4-moov-at-end");
});
afterAll(() => world?.close());

async function deliveries(run: () => Promise<unknown>): Promise<number> {
  const before = (await jobConsumerInfo(world)).delivered.consumer_seq;
  await run();
  await world.waitForEmptyQueue();
  return (await jobConsumerInfo(world)).delivered.consumer_seq - before;
}

describe("transient failures", () => {
  it("a storage hiccup during probing → retried, then succeeded", async () => {
    let mediaId = "";
    const count = await deliveries(async () => {
      const job = await world.enqueue(sample, { key: `flaky-${crypto.randomUUID()}.mp4` });
      mediaId = job.media_id;
      expect(await world.waitForResult(mediaId)).toMatchObject({ outcome: "succeeded" });
    });
    expect(count).toBe(2);
    expect(await world.results(mediaId)).toHaveLength(1);
  });

  it("ffmpeg killed by a signal → retried, then succeeded", async () => {
    const count = await deliveries(async () => {
      const job = await world.enqueue(sample, { key: `killed-${crypto.randomUUID()}.mp4` });
      expect(await world.waitForResult(job.media_id)).toMatchObject({
        outcome: "succeeded",
        probe: { width: 1280, height: 720 },
      });
    });
    expect(count).toBe(2);
  });

  it("a failure on every attempt → failed after max_deliver attempts, with the last error", async () => {
    let mediaId = "";
    const count = await deliveries(async () => {
      const job = await world.enqueue(sample, { key: `broken-${crypto.randomUUID()}.mp4` });
      mediaId = job.media_id;
      expect(await world.waitForResult(mediaId)).toEqual({
        outcome: "failed",
        media_id: mediaId,
        reason:
          "processing gave up after 3 attempts: ffprobe failed (exit 1): Connection reset by peer",
        finished_at: expect.any(String),
      });
    });
    expect(count).toBe(3);
    const metrics = (await ops(worker.port, "/metrics")).text;
    expect(metricValue(metrics, "thumbnailer_jobs_total", { outcome: "retried" })).toBe(4);
    expect(metricValue(metrics, "thumbnailer_jobs_total", { outcome: "gave_up" })).toBe(1);
  });
});
