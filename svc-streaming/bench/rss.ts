// The edge's memory while 200 responses of 1 MiB are in flight: once with readers that
// keep up (wrk or Node), once with readers that stop reading, where only backpressure
// keeps the edge from buffering S3's bytes.
import { execFileSync } from "node:child_process";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { LoadGenerator } from "./loadgen.ts";
import { sampleRss } from "./procfs.ts";

export interface RssReport {
  idle: number;
  fastPeak: number;
  fastSeconds: number;
  stalledPeak: number;
  stallSeconds: number;
}

export function findWrk(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v wrk"]).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

const MiB = 1024 * 1024;
const CONCURRENT = 200;

export async function measureRss(opts: {
  pid: number;
  origin: string;
  path: string;
  objectSize: number;
  idle: number;
  generate: LoadGenerator;
}): Promise<RssReport> {
  const fastSeconds = 5;
  const fast = sampleRss(opts.pid);
  await opts.generate({
    origin: opts.origin,
    path: opts.path,
    objectSize: opts.objectSize,
    rangeLength: MiB,
    connections: CONCURRENT,
    seconds: fastSeconds,
    seed: 9,
  });
  const fastPeak = fast.stop();

  const stallSeconds = 3;
  const url = new URL(opts.origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT });
  const stalled = sampleRss(opts.pid);
  const paused: http.IncomingMessage[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const responses = Array.from({ length: CONCURRENT }, (_, i) => {
    const first = (i * 7 * MiB + i * 4099) % (opts.objectSize - MiB);
    return new Promise<number>((resolve, reject) => {
      http
        .get(
          {
            agent,
            hostname: url.hostname,
            port: url.port,
            path: opts.path,
            headers: { range: `bytes=${first}-${first + MiB - 1}` },
          },
          (res) => {
            res.pause();
            paused.push(res);
            let n = 0;
            res.on("data", (c: Buffer) => {
              n += c.length;
            });
            res.on("end", () => resolve(n));
            res.on("error", reject);
            void released.then(() => res.resume());
          },
        )
        .on("error", reject);
    });
  });
  for (let i = 0; i < 100 && paused.length < CONCURRENT; i++) await sleep(50);
  await sleep(stallSeconds * 1000);
  release();
  const sizes = await Promise.all(responses);
  const stalledPeak = stalled.stop();
  agent.destroy();
  if (sizes.some((n) => n !== MiB)) throw new Error("a stalled reader got a short body");
  return { idle: opts.idle, fastPeak, fastSeconds, stalledPeak, stallSeconds };
}
