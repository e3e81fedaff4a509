import { randomUUID } from "node:crypto";
import {
  encodeJson,
  mediaEvent,
  publishCatalogueEvent,
  SUBJECTS,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Thumbnailer } from "../src/app.ts";
import { inspectImage, makeSample, mp4BoxOffsets, type SampleKind } from "./media.ts";
import { jobConsumerInfo, metricValue, ops, startWorld, type World } from "./support.ts";

let world: World;
let worker: Thumbnailer;
const samples = {} as Record<SampleKind, string>;

beforeAll(async () => {
  world = await startWorld();
  worker = await world.start();
  const kinds: SampleKind[] = [
    ...["mp4-faststart", "mp4-moov-at-end", "mp4-rotated", "webm"],
    ...["text", "png", "hls-playlist"],
  ] as SampleKind[];
  for (const kind of kinds) samples[kind] = await makeSample(world.dir, kind);
});
afterAll(() => world?.close());

describe("a valid upload", () => {
  it("H.264/AAC faststart MP4 → succeeded with its metadata and a 640x360 JPEG that is not black", async () => {
    const job = await world.enqueue(samples["mp4-faststart"]);
    const result = await world.waitForResult(job.media_id);

    expect(result).toMatchObject({
      outcome: "succeeded",
      media_id: job.media_id,
      thumbnail_key: `${job.media_id}.jpg`,
      probe: { video_codec: "h264", audio_codec: "aac", width: 1280, height: 720, fps: 25 },
    });
    if (result.outcome !== "succeeded") return;
    expect(result.probe.duration_s).toBeCloseTo(10, 1);
    expect(result.probe.bitrate).toBeGreaterThan(10_000);

    const thumb = await world.thumbnail(result.thumbnail_key);
    expect(thumb.contentType).toBe("image/jpeg");
    const jpeg = await inspectImage(thumb.body, world.dir);
    expect(jpeg).toMatchObject({ codec: "mjpeg", width: 640, height: 360 });
    // The clip fades in from black over its first second: frame 0 would be black (~16).
    expect(jpeg.meanLuma).toBeGreaterThan(60);
    await world.waitForEmptyQueue();
  });

  it("moov-at-end MP4 → succeeded (ffprobe and ffmpeg seek to the index over HTTP ranges)", async () => {
    const layout = await mp4BoxOffsets(samples["mp4-moov-at-end"]);
    expect(layout.moov).toBeGreaterThan(layout.mdat); // the sample really has its index last
    const job = await world.enqueue(samples["mp4-moov-at-end"]);
    const result = await world.waitForResult(job.media_id);
    expect(result).toMatchObject({
      outcome: "succeeded",
      probe: { video_codec: "h264", audio_codec: "aac", width: 1280, height: 720, fps: 25 },
    });
    if (result.outcome !== "succeeded") return;
    expect(result.probe.duration_s).toBeCloseTo(3, 1);
    const jpeg = await inspectImage((await world.thumbnail(result.thumbnail_key)).body, world.dir);
    expect(jpeg).toMatchObject({ width: 640, height: 360 });
  });

  it("VP9/Opus WebM (4:3) → succeeded with a 640x480 thumbnail", async () => {
    const job = await world.enqueue(samples.webm, { contentType: "video/webm" });
    const result = await world.waitForResult(job.media_id);
    expect(result).toMatchObject({
      outcome: "succeeded",
      probe: { video_codec: "vp9", audio_codec: "opus", width: 640, height: 480, fps: 25 },
    });
    if (result.outcome !== "succeeded") return;
    const jpeg = await inspectImage((await world.thumbnail(result.thumbnail_key)).body, world.dir);
    expect(jpeg).toMatchObject({ codec: "mjpeg", width: 640, height: 480 });
  });

  it("portrait phone video (rotation metadata) → a portrait thumbnail, not a squashed one", async () => {
    const job = await world.enqueue(samples["mp4-rotated"]);
    const result = await world.waitForResult(job.media_id);
    expect(result).toMatchObject({ outcome: "succeeded", probe: { width: 1280, height: 720 } });
    if (result.outcome !== "succeeded") return;
    const jpeg = await inspectImage((await world.thumbnail(result.thumbnail_key)).body, world.dir);
    expect(jpeg).toMatchObject({ width: 360, height: 640 });
  });
});

describe("input that can never succeed", () => {
  it("a text file renamed .mp4 → failed with a reason, terminated after one delivery", async () => {
    const before = (await jobConsumerInfo(world)).delivered.consumer_seq;
    const job = await world.enqueue(samples.text);
    const result = await world.waitForResult(job.media_id);
    expect(result).toMatchObject({ outcome: "failed", media_id: job.media_id });
    if (result.outcome !== "failed") return;
    expect(result.reason).toMatch(/^not a video/);
    await world.waitForEmptyQueue();
    expect((await jobConsumerInfo(world)).delivered.consumer_seq).toBe(before + 1);
    expect(await world.thumbnailExists(`${job.media_id}.jpg`)).toBe(false);
  });

  it.each([
    ["a still image renamed .mp4", "png"],
    ["an HLS playlist naming a local file, renamed .mp4", "hls-playlist"],
  ] as const)("%s → failed as not a video, no thumbnail", async (_, kind) => {
    const job = await world.enqueue(samples[kind]);
    const result = await world.waitForResult(job.media_id);
    expect(result).toMatchObject({
      outcome: "failed",
      reason: expect.stringMatching(/^not a video/),
    });
    expect(await world.thumbnailExists(`${job.media_id}.jpg`)).toBe(false);
  });

  it("a job whose object does not exist → failed at once (no retry can bring it back)", async () => {
    const media_id = randomUUID();
    const job = {
      media_id,
      s3_key: `${media_id}.mp4`,
      content_type: "video/mp4",
      size_bytes: 1000,
      enqueued_at: new Date().toISOString(),
    };
    await world.js.publish(SUBJECTS.processingJob, encodeJson(job), { msgID: media_id });
    const result = await world.waitForResult(media_id);
    expect(result).toMatchObject({
      outcome: "failed",
      reason: "the uploaded file does not exist in storage",
    });
    await world.waitForEmptyQueue();
  });
});

describe("idempotency", () => {
  it("the same job published twice (different msg ids) → one result, the same thumbnail bytes", async () => {
    const job = await world.enqueue(samples["mp4-moov-at-end"]);
    const first = await world.waitForResult(job.media_id);
    await world.waitForEmptyQueue();
    const thumbBefore = await world.thumbnail(`${job.media_id}.jpg`);
    const succeededBefore = await succeededCount();

    // As if ingest re-published after the duplicate window: a different Nats-Msg-Id.
    const ack = await world.js.publish(SUBJECTS.processingJob, encodeJson(job), {
      msgID: `${job.media_id}.again`,
    });
    expect(ack.duplicate).toBe(false);
    // It really is processed a second time…
    await vi.waitFor(async () => expect(await succeededCount()).toBe(succeededBefore + 1), {
      timeout: 30_000,
    });
    await world.waitForEmptyQueue();
    // …yet catalogue sees one result, and the thumbnail is the same object.
    expect(await world.results(job.media_id)).toEqual([first]);
    const thumbAfter = await world.thumbnail(`${job.media_id}.jpg`);
    expect(thumbAfter.body.equals(thumbBefore.body)).toBe(true);
  });
});

describe("media deleted", () => {
  it("removes the thumbnail; a second deleted event for it is harmless", async () => {
    const job = await world.enqueue(samples.webm);
    const result = await world.waitForResult(job.media_id);
    expect(result.outcome).toBe("succeeded");
    const key = `${job.media_id}.jpg`;
    expect(await world.thumbnailExists(key)).toBe(true);

    const deleted = mediaEvent("deleted", { id: job.media_id } as never);
    await publishCatalogueEvent(world.js, deleted);
    await vi.waitFor(async () => expect(await world.thumbnailExists(key)).toBe(false), {
      timeout: 30_000,
    });

    await publishCatalogueEvent(world.js, mediaEvent("deleted", { id: job.media_id } as never));
    await vi.waitFor(async () => {
      const info = await world.jsm.consumers.info(
        "CATALOGUE_EVENTS",
        "thumbnailer-thumbnail-cleanup",
      );
      expect(info.delivered.stream_seq).toBe(2);
      expect(info.num_pending + info.num_ack_pending).toBe(0);
    });
    const info = await world.jsm.consumers.info(
      "CATALOGUE_EVENTS",
      "thumbnailer-thumbnail-cleanup",
    );
    expect(info.num_redelivered).toBe(0);
    expect(info.delivered.consumer_seq).toBe(2); // each event handled on its first delivery
  });
});

describe("ops port", () => {
  it("answers /healthz, /readyz (nats and s3) and /metrics with job series", async () => {
    expect((await ops(worker.port, "/healthz")).status).toBe(200);
    const ready = await ops(worker.port, "/readyz");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ status: "ready", checks: { nats: "ok", s3: "ok" } });

    const metrics = (await ops(worker.port, "/metrics")).text;
    expect(
      metricValue(metrics, "thumbnailer_job_duration_seconds_count", { outcome: "succeeded" }),
    ).toBeGreaterThan(0);
    expect(
      metricValue(metrics, "thumbnailer_jobs_total", { outcome: "failed" }),
    ).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/thumbnailer_queue_jobs\{state="waiting"/);
    // Both its consumers' lag, from the shared helper (read at scrape time).
    for (const consumer of ["thumbnailer", "thumbnailer-thumbnail-cleanup"]) {
      for (const gauge of ["num_pending", "num_ack_pending", "num_redelivered"]) {
        expect(metrics, `${gauge} ${consumer}`).toMatch(
          new RegExp(
            `^jetstream_consumer_${gauge}\\{[^}]*consumer="${consumer}"[^}]*\\} \\d+$`,
            "m",
          ),
        );
      }
    }
  });
});

async function succeededCount() {
  return metricValue((await ops(worker.port, "/metrics")).text, "thumbnailer_jobs_total", {
    outcome: "succeeded",
  });
}
