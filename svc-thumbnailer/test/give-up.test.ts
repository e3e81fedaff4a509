import { PutObjectCommand } from "@aws-sdk/client-s3";
import {
  BUCKETS,
  createLogger,
  createMetrics,
  openBucket,
  STREAMS,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createThumbnailerMetrics } from "../src/metrics.ts";
import { type GiveUpDeps, giveUp } from "../src/nats/give-up.ts";
import { LastErrors } from "../src/nats/last-errors.ts";
import { kvTombstones } from "../src/nats/tombstones.ts";
import { ensureThumbnailerTopology } from "../src/nats/topology.ts";
import { makeSample } from "./media.ts";
import { startWorld, type World } from "./support.ts";

// Ending a job that used up its deliveries (the MAX_DELIVERIES advisory's handler), with
// no worker running, so the job waits in the queue as an exhausted one does. A worker
// killed between writing a thumbnail and its tombstone check leaves the thumbnail of a
// deleted item; the give-up must remove it — and only for a deleted item.
let world: World;
let deps: GiveUpDeps;
let sample: string;
const logger = createLogger("give-up-test", "silent");

beforeAll(async () => {
  world = await startWorld();
  sample = await makeSample(world.dir, "mp4-faststart");
  const consumer = await ensureThumbnailerTopology(world.jsm, {
    replicas: 1,
    ackWaitMs: 30_000,
    maxDeliver: 3,
  });
  const kv = await openBucket(world.nc, BUCKETS.deletedMedia, { replicas: 1 });
  deps = {
    nc: world.nc,
    js: world.js,
    jsm: world.jsm,
    logger,
    consumer,
    metrics: createThumbnailerMetrics(createMetrics("thumbnailer"), { jsm: world.jsm, consumer }),
    lastErrors: new LastErrors(),
    deletedMedia: {
      tombstones: kvTombstones(kv, world.jsm),
      s3: world.s3,
      bucket: world.buckets.thumbnails,
    },
  };
});
afterAll(() => world?.close());

/** A queued job whose thumbnail a killed worker already wrote; its stream sequence. */
async function exhaustedJobWithThumbnail() {
  const job = await world.enqueue(sample);
  const seq = (await world.jsm.streams.info(STREAMS.processingJobs.name)).state.last_seq;
  await world.s3.send(
    new PutObjectCommand({
      Bucket: world.buckets.thumbnails,
      Key: `${job.media_id}.jpg`,
      Body: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
    }),
  );
  return { job, advisory: { stream_seq: seq, deliveries: 3 } as never };
}

describe("giving up an exhausted job", () => {
  it("removes the thumbnail of an item deleted meanwhile, publishes failed, empties the queue", async () => {
    const { job, advisory } = await exhaustedJobWithThumbnail();
    await deps.deletedMedia.tombstones.bury(job.media_id);
    await giveUp(deps, advisory, logger);
    expect(await world.thumbnailExists(`${job.media_id}.jpg`)).toBe(false);
    expect((await world.results(job.media_id)).map((r) => r.outcome)).toEqual(["failed"]);
    await world.waitForEmptyQueue();
  });

  it("keeps the thumbnail of an item not deleted (an earlier delivery may have published it)", async () => {
    const { job, advisory } = await exhaustedJobWithThumbnail();
    await giveUp(deps, advisory, logger);
    expect(await world.thumbnailExists(`${job.media_id}.jpg`)).toBe(true);
    expect((await world.results(job.media_id)).map((r) => r.outcome)).toEqual(["failed"]);
    await world.waitForEmptyQueue();
  });

  it("is idempotent: the same advisory again changes nothing", async () => {
    const { job, advisory } = await exhaustedJobWithThumbnail();
    await deps.deletedMedia.tombstones.bury(job.media_id);
    await giveUp(deps, advisory, logger);
    await giveUp(deps, advisory, logger);
    expect((await world.results(job.media_id)).map((r) => r.outcome)).toEqual(["failed"]);
    expect(await world.thumbnailExists(`${job.media_id}.jpg`)).toBe(false);
  });
});
