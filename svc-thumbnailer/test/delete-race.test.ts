import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import {
  mediaEvent,
  publishCatalogueEvent,
  publishProcessingJob,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Gate, gatedTool, gateStarts } from "./fakes.ts";
import { makeSample } from "./media.ts";
import { startWorld, type World } from "./support.ts";

// Issue 4's known gap: an item deleted while its job runs must not keep a thumbnail,
// whatever the order. An ffmpeg that waits for a go-ahead file holds the job between
// "probe done" and "thumbnail written", so the delete is handled exactly in that gap.
let world: World;
let video: string;
let gate: Gate;

beforeAll(async () => {
  world = await startWorld();
  gate = { dir: join(world.dir, "ffmpeg-gate"), go: join(world.dir, "ffmpeg.go") };
  video = await makeSample(world.dir, "mp4-faststart");
  await world.start({ FFMPEG_PATH: await gatedTool(world.dir, "ffmpeg", gate) });
});
afterAll(() => world?.close());

/** Publishes `media.deleted` as catalogue does and waits until the thumbnailer handled it. */
async function deleteItem(mediaId: string) {
  await publishCatalogueEvent(world.js, mediaEvent("deleted", { id: mediaId } as never));
  const { last_seq } = (await world.jsm.streams.info("CATALOGUE_EVENTS")).state;
  await vi.waitFor(
    async () => {
      const info = await world.jsm.consumers.info(
        "CATALOGUE_EVENTS",
        "thumbnailer-thumbnail-cleanup",
      );
      expect(info.ack_floor.stream_seq).toBe(last_seq);
    },
    { timeout: 30_000, interval: 50 },
  );
}

describe("delete while processing", () => {
  it("a thumbnail written after the delete was handled is removed again", async () => {
    const job = await world.enqueue(video);
    await vi.waitFor(() => expect(gateStarts(gate)).toBeGreaterThan(0), { timeout: 30_000 });

    // The delete is fully handled (tombstone, thumbnail removal) before any thumbnail exists.
    await deleteItem(job.media_id);
    expect(await world.thumbnailExists(`${job.media_id}.jpg`)).toBe(false);

    await writeFile(gate.go, ""); // ffmpeg runs, the thumbnail is written
    expect((await world.waitForResult(job.media_id)).outcome).toBe("succeeded");
    await world.waitForEmptyQueue(); // the job's handler is done (acked)
    expect(await world.thumbnailExists(`${job.media_id}.jpg`)).toBe(false);
  });

  it("a job of an item deleted before it ran is acknowledged without work", async () => {
    await writeFile(gate.go, "");
    const mediaId = randomUUID();
    await deleteItem(mediaId);
    // A 1-byte "video": processed, it would end `failed`; skipped, it ends with nothing.
    await world.s3.send(
      new PutObjectCommand({ Bucket: world.buckets.media, Key: `${mediaId}.mp4`, Body: "x" }),
    );
    await publishProcessingJob(world.js, {
      media_id: mediaId,
      s3_key: `${mediaId}.mp4`,
      content_type: "video/mp4",
      size_bytes: 1,
      enqueued_at: new Date().toISOString(),
    });
    await world.waitForEmptyQueue();
    expect(await world.results(mediaId)).toEqual([]);
    expect(await world.thumbnailExists(`${mediaId}.jpg`)).toBe(false);
  });
});
