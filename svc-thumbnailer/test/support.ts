// One test world per file (or per test): a fresh nats-server, buckets of its own on the shared
// s3rver, clients for both, and thumbnailers started in-process or as child processes.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { openSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  CONSUMERS,
  connectNats,
  createLogger,
  decodeJson,
  ensureStream,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  type ProcessingJob,
  ProcessingResult,
  parseEnv,
  publishProcessingJob,
  STREAMS,
} from "@streamstack/contracts/server";
import { freePort, startTestNats, type TestNats, testS3 } from "@streamstack/infra";
import { vi } from "vitest";
import { startThumbnailer, type Thumbnailer } from "../src/app.ts";
import { ThumbnailerEnv } from "../src/config.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const logLevel = process.env.TEST_LOG_LEVEL ?? "silent";

export type Env = Record<string, string>;

export interface World {
  dir: string;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  s3: S3Client;
  buckets: { media: string; thumbnails: string };
  /** The environment a thumbnailer of this world runs with, plus overrides. */
  env(overrides?: Env): Env;
  /** An in-process thumbnailer (stopped by close()). */
  start(overrides?: Env): Promise<Thumbnailer>;
  /** `svc-thumbnailer/src/main.ts` as a child process in its own process group. */
  spawnWorker(overrides?: Env): Promise<Worker>;
  /** Uploads a file as ingest would and publishes its job; returns the job. */
  enqueue(
    file: string,
    opts?: { ext?: string; key?: string; contentType?: string },
  ): Promise<ProcessingJob>;
  results(mediaId: string): Promise<ProcessingResult[]>;
  waitForResult(mediaId: string, timeoutMs?: number): Promise<ProcessingResult>;
  /** Waits until the work queue holds no job at all (every job acked, termed or removed). */
  waitForEmptyQueue(): Promise<void>;
  thumbnail(
    key: string,
  ): Promise<{ body: Buffer; contentType: string | undefined; etag: string | undefined }>;
  thumbnailExists(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface Worker {
  pid: number;
  port: number;
  exited: Promise<number | null>;
  /** kill -9 of the whole process group: the worker and any ffmpeg it runs. */
  kill9(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), "thumbnailer-test-"));
  const nats: TestNats = await startTestNats();
  const nc = await connectNats({ url: nats.url, name: "test" }, createLogger("test", "silent"));
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const s3info = testS3();
  const buckets = await s3info.createTestBuckets();
  const s3 = new S3Client(s3info.clientConfig);
  // Ingest normally creates the job stream; the test publishes before or without a thumbnailer.
  for (const stream of [STREAMS.processingJobs, STREAMS.processingResults]) {
    await ensureStream(jsm, stream, { replicas: 1 });
  }
  const running: Thumbnailer[] = [];
  const workers: Worker[] = [];

  const env = (overrides: Env = {}): Env => ({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: logLevel,
    NATS_URL: nats.url,
    S3_ENDPOINT: s3info.endpoint,
    S3_REGION: s3info.region,
    S3_ACCESS_KEY_ID: s3info.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3info.secretAccessKey,
    S3_BUCKET_MEDIA: buckets.media,
    S3_BUCKET_THUMBNAILS: buckets.thumbnails,
    ...overrides,
  });

  const results = async (mediaId: string) => {
    const name = STREAMS.processingResults.name;
    const { state } = await jsm.streams.info(name);
    const found: ProcessingResult[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(name, { seq });
      const result = decodeJson(ProcessingResult, m.data, m.subject);
      if (result.media_id === mediaId) found.push(result);
    }
    return found;
  };

  const world: World = {
    dir,
    nc,
    js,
    jsm,
    s3,
    buckets,
    env,
    async start(overrides) {
      const config = parseEnv(ThumbnailerEnv, env(overrides));
      const t = await startThumbnailer(config, { logger: createLogger("thumbnailer", logLevel) });
      running.push(t);
      return t;
    },
    async spawnWorker(overrides = {}) {
      const port = await freePort();
      const log = openSync(join(dir, "workers.log"), "a");
      const child: ChildProcess = spawn(
        process.execPath,
        ["--import", "tsx", "svc-thumbnailer/src/main.ts"],
        {
          cwd: repoRoot,
          env: {
            PATH: process.env.PATH,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            ...env({ LOG_LEVEL: "info", ...overrides }),
            PORT: String(port),
          },
          detached: true,
          stdio: ["ignore", log, log],
        },
      );
      const exited = new Promise<number | null>((resolve) =>
        child.once("exit", (code) => resolve(code)),
      );
      const worker: Worker = {
        pid: child.pid!,
        port,
        exited,
        async kill9() {
          // A worker that is gone (a test's fake tool killed it) is not signalled: its
          // group's id may by now be another process's (pids wrap at 32768 here).
          if (child.exitCode !== null || child.signalCode !== null) return;
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            // already gone
          }
          await exited;
        },
      };
      workers.push(worker);
      return worker;
    },
    async enqueue(file, opts = {}) {
      const media_id = randomUUID();
      const key = opts.key ?? `${media_id}.${opts.ext ?? file.split(".").pop()}`;
      const body = await readFile(file);
      await s3.send(new PutObjectCommand({ Bucket: buckets.media, Key: key, Body: body }));
      const job: ProcessingJob = {
        media_id,
        s3_key: key,
        content_type: opts.contentType ?? "video/mp4",
        size_bytes: body.length,
        enqueued_at: new Date().toISOString(),
      };
      await publishProcessingJob(js, job);
      return job;
    },
    results,
    waitForResult: (mediaId, timeoutMs = 50_000) =>
      vi.waitFor(
        async () => {
          const [first] = await results(mediaId);
          if (!first) throw new Error(`no result yet for ${mediaId}`);
          return first;
        },
        { timeout: timeoutMs, interval: 100 },
      ),
    waitForEmptyQueue: () =>
      vi.waitFor(
        async () => {
          const { state } = await jsm.streams.info(STREAMS.processingJobs.name);
          if (state.messages !== 0) throw new Error(`${state.messages} jobs still queued`);
        },
        { timeout: 50_000, interval: 100 },
      ),
    async thumbnail(key) {
      const got = await s3.send(new GetObjectCommand({ Bucket: buckets.thumbnails, Key: key }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      return { body, contentType: got.ContentType, etag: got.ETag };
    },
    async thumbnailExists(key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: buckets.thumbnails, Key: key }));
        return true;
      } catch (err) {
        if ((err as { name?: string }).name === "NotFound") return false;
        throw err;
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.kill9()));
      await Promise.allSettled(running.map((t) => t.close()));
      await nc.drain().catch(() => undefined);
      s3.destroy();
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Consumer info of the job consumer: deliveries and what is pending. */
export function jobConsumerInfo(world: World) {
  return world.jsm.consumers.info(
    CONSUMERS.processingJobs.stream,
    CONSUMERS.processingJobs.durable,
  );
}

/** GET on a thumbnailer's ops port. */
export async function ops(port: number, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
}

/** Sum of the Prometheus samples of `name` whose labels include `labels`. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => (m[2] ?? "").includes(`${k}="${v}"`));
    if (has) sum += Number(m[3]);
  }
  return sum;
}
