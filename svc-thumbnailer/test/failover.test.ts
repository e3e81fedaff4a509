import { existsSync } from "node:fs";
import { join } from "node:path";
import { STREAMS } from "@streamstack/contracts/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { crashingFfprobe, slowFfprobe } from "./fakes.ts";
import { makeSample } from "./media.ts";
import { jobConsumerInfo, ops, startWorld, type Worker, type World } from "./support.ts";

// Worker processes (svc-thumbnailer/src/main.ts) that die with a job in flight. A short ack
// wait (set through the environment, as tests may) keeps redelivery quick.
const ACK_WAIT = { THUMBNAILER_ACK_WAIT_MS: "2000" };
// The server raises MAX_DELIVERIES when the last ack wait runs out; a core message, it
// reaches whoever is subscribed then. Replicas restart well within the production ack
// wait (30 s); a tsx start on a loaded CI machine takes seconds, so give it 20 s.
const RESTART_WITHIN_ACK_WAIT = { THUMBNAILER_ACK_WAIT_MS: "20000" };
// Each worker is a fresh tsx process: several seconds apiece on a loaded 2-core CI machine.
const SPAWNS_WORKERS_MS = 180_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function whenReady(worker: Worker) {
  await vi.waitFor(async () => expect((await ops(worker.port, "/readyz")).status).toBe(200), {
    timeout: 30_000,
    interval: 100,
  });
}

describe("a worker killed with a job in flight", () => {
  it(
    "kill -9 mid-job → the ack wait expires and another instance completes the job",
    async () => {
      world = await startWorld();
      const marker = join(world.dir, "probe-started");
      const doomed = await world.spawnWorker({
        ...ACK_WAIT,
        FFPROBE_PATH: await slowFfprobe(world.dir, marker),
      });
      await whenReady(doomed);
      const sample = await makeSample(world.dir, "mp4-moov-at-end");
      const job = await world.enqueue(sample);

      await vi.waitFor(() => expect(existsSync(marker)).toBe(true), { timeout: 30_000 });
      expect((await jobConsumerInfo(world)).num_ack_pending).toBe(1); // in flight at the doomed worker
      const survivor = await world.start(ACK_WAIT); // a healthy instance, idle so far
      await doomed.kill9();

      const result = await world.waitForResult(job.media_id);
      expect(result).toMatchObject({
        outcome: "succeeded",
        media_id: job.media_id,
        probe: { video_codec: "h264", width: 1280, height: 720 },
      });
      await world.waitForEmptyQueue();
      // Redelivered after the ack wait: first to the killed worker, last to the survivor (on
      // nats-server 2.9 a delivery may also go to the dead worker's stale pull request).
      expect((await jobConsumerInfo(world)).delivered.consumer_seq).toBeGreaterThanOrEqual(2);
      expect(survivor.port).toBeGreaterThan(0);
    },
    SPAWNS_WORKERS_MS,
  );
});

describe("a job that crashes the worker on every attempt", () => {
  it(
    "→ MAX_DELIVERIES advisory → failed with a reason, and the job leaves the work queue",
    async () => {
      world = await startWorld();
      const settings = {
        ...RESTART_WITHIN_ACK_WAIT,
        THUMBNAILER_MAX_DELIVER: "2",
        FFPROBE_PATH: await crashingFfprobe(world.dir),
      };
      const sample = await makeSample(world.dir, "mp4-moov-at-end");
      const first = await world.spawnWorker(settings);
      await whenReady(first);
      const job = await world.enqueue(sample);

      // A supervisor, as compose or systemd would be: restart the worker each time it dies.
      const exitCodes: Array<number | null> = [];
      let current = first;
      let stopped = false;
      const supervise = (async () => {
        while (!stopped) {
          const code = await current.exited;
          if (stopped) return;
          exitCodes.push(code);
          current = await world!.spawnWorker(settings);
        }
      })();

      const result = await world.waitForResult(job.media_id, SPAWNS_WORKERS_MS - 30_000);
      stopped = true;
      expect(result).toEqual({
        outcome: "failed",
        media_id: job.media_id,
        reason:
          "processing gave up after 2 attempts: the worker stopped without reporting an error (it crashed, was killed or hung)",
        finished_at: expect.any(String),
      });
      // The server counted 2 deliveries. Not every one reaches a live worker: on nats-server 2.9
      // a pull request of a worker that was just killed can still receive a delivery, which is
      // lost and only counted. So at least one real crash, each one abnormal.
      expect(exitCodes.length).toBeGreaterThanOrEqual(1);
      expect(exitCodes.every((code) => code !== 0)).toBe(true);
      // Exhausted messages stay in a work-queue stream unless removed: this one was.
      await world.waitForEmptyQueue();
      const { state } = await world.jsm.streams.info(STREAMS.processingJobs.name);
      expect(state.messages).toBe(0);
      await current.kill9();
      await supervise;
    },
    SPAWNS_WORKERS_MS,
  );
});
