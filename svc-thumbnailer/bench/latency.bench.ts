// Processing latency, 10 s 720p H.264/AAC clip, median of 5 (after one warm-up), in two
// parts measured in the same run:
// 1. The worker alone: job published → result published. Real nats-server, s3rver and
//    ffmpeg; the worker runs as its own process (svc-thumbnailer/src/main.ts), as in
//    production. Each run is broken down into the worker's steps (its "media processed"
//    log line): queued (job stored → handler), head, probe, thumbnail, put, publish.
// 2. The whole platform as a user sees it (issue 4's goal): upload complete (ingest's
//    202) → `catalogue.events.media.published` seen by an integrator, through ingest's
//    hand-off, the job queue, the worker, catalogue's result apply and its outbox relay —
//    the five services as processes (startTestStack). Part 1 is its baseline: the ratio
//    says what the rest of the pipeline adds to the worker's own time.
//
//   npm run bench -w svc-thumbnailer        (or: npx tsx svc-thumbnailer/bench/latency.bench.ts)
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import {
  connectNats,
  createLogger,
  createS3Client,
  decodeJson,
  ensureStream,
  ProcessingResult,
  publishProcessingJob,
  STREAMS,
} from "@streamstack/contracts/server";
import {
  freePort,
  login,
  rawMultipartUpload,
  startNats,
  startS3,
  startTestStack,
  type TestStack,
} from "@streamstack/infra";

const RUNS = Number(process.env.RUNS ?? 5);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "thumbnailer-bench-"));
const buckets = { media: "media", thumbnails: "thumbnails" };
const nats = await startNats({ dataDir: join(dir, "nats"), port: 0, monitorPort: 0 });
const s3server = await startS3({ dataDir: join(dir, "s3"), buckets: Object.values(buckets) });
let worker: ChildProcess | undefined;
let workerMedian = Number.NaN;
let clipBody: Buffer | undefined;

try {
  const clip = join(dir, "clip.mp4");
  // biome-ignore format: flag pairs
  await promisify(execFile)(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25:duration=10",
    "-f", "lavfi", "-i", "sine=frequency=440:duration=10",
    // Film-grain noise so the clip has a realistic bitrate (~3 Mbit/s) instead of 0.2 MB.
    "-vf", "noise=alls=12:allf=t",
    "-c:v", "libx264", "-preset", "veryfast", "-b:v", "3M", "-pix_fmt", "yuv420p", "-c:a", "aac",
    "-movflags", "+faststart", clip]);
  const body = await readFile(clip);
  clipBody = body;

  const nc = await connectNats({ url: nats.url, name: "bench" }, createLogger("bench", "silent"));
  const js = nc.jetstream();
  const jsm = await nc.jetstreamManager();
  for (const stream of [STREAMS.processingJobs, STREAMS.processingResults]) {
    await ensureStream(jsm, stream, { replicas: 1 });
  }
  const s3 = createS3Client({ ...s3server, endpoint: s3server.endpoint });

  const port = await freePort();
  worker = spawn(process.execPath, ["--import", "tsx", "svc-thumbnailer/src/main.ts"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      NATS_URL: nats.url,
      S3_ENDPOINT: s3server.endpoint,
      S3_ACCESS_KEY_ID: s3server.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3server.secretAccessKey,
      S3_BUCKET_MEDIA: buckets.media,
      S3_BUCKET_THUMBNAILS: buckets.thumbnails,
    },
  });
  // The worker's step times, from its JSON log lines.
  const steps = new Map<string, Record<string, number>>();
  createInterface({ input: worker.stdout! }).on("line", (line) => {
    const entry = parseLogLine(line);
    if (entry?.msg === "media processed" && entry.media_id && entry.ms) {
      steps.set(entry.media_id, entry.ms);
    } else if (entry && (entry.level ?? 0) >= 40) console.error(line);
  });
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok);

  // Results arrive on an ordered consumer; their stream timestamp is "result published".
  const published = new Map<string, number>();
  const consumer = await js.consumers.get(STREAMS.processingResults.name);
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) {
      const result = decodeJson(ProcessingResult, m.data, m.subject);
      published.set(result.media_id, m.info.timestampNanos / 1e6);
    }
  })();

  const latencies: number[] = [];
  const breakdowns: Array<Record<string, number>> = [];
  for (let run = 0; run <= RUNS; run++) {
    const media_id = randomUUID();
    const key = `${media_id}.mp4`;
    await s3.send(new PutObjectCommand({ Bucket: buckets.media, Key: key, Body: body }));
    const started = Date.now();
    await publishProcessingJob(js, {
      media_id,
      s3_key: key,
      content_type: "video/mp4",
      size_bytes: body.length,
      enqueued_at: new Date(started).toISOString(),
    });
    await waitUntil(async () => published.has(media_id) && steps.has(media_id));
    const ms = (published.get(media_id) ?? 0) - started;
    const parts = steps.get(media_id) ?? {};
    const shown = Object.entries(parts).map(([k, v]) => `${k} ${v}`);
    console.log(
      `${run === 0 ? "warm-up" : `run ${run}`}: ${Math.round(ms)} ms (${shown.join(", ")})`,
    );
    if (run > 0) {
      latencies.push(ms);
      breakdowns.push(parts);
    }
  }
  latencies.sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
  console.log(
    `\n| clip | runs | median | min | max |\n|---|---|---|---|---|\n| 10 s 1280x720 H.264/AAC faststart, ${(body.length / 1e6).toFixed(1)} MB | ${RUNS} | ${Math.round(median)} ms | ${Math.round(latencies[0] ?? 0)} ms | ${Math.round(latencies.at(-1) ?? 0)} ms |`,
  );
  workerMedian = median;
  const names = [...new Set(breakdowns.flatMap((b) => Object.keys(b)))];
  console.log(`\n| step (ms, median of ${RUNS}) | ${names.join(" | ")} |`);
  console.log(`|---|${names.map(() => "---:").join("|")}|`);
  console.log(
    `| worker | ${names.map((n) => Math.round(medianOf(breakdowns.map((b) => b[n] ?? 0)))).join(" | ")} |`,
  );
  console.log(
    `(${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")})`,
  );
  messages.stop();
  await nc.drain();
  s3.destroy();
} finally {
  worker?.kill("SIGTERM");
  await Promise.all([nats.stop(), s3server.stop()]);
}

try {
  if (clipBody) await wholePipeline(clipBody);
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** Part 2: upload complete (202) → published event, through all five services. */
async function wholePipeline(body: Buffer) {
  console.log("\nwhole pipeline: starting the platform (five services as processes)");
  let stack: TestStack | undefined;
  try {
    stack = await startTestStack({ ownPostgres: true, ownS3: true });
    const integrator = stack.nats.users?.integrator;
    const nc = await connectNats(
      { url: stack.nats.url, name: "bench-integrator", ...integrator },
      createLogger("bench", "silent"),
    );
    // Core NATS, as an integrator may listen live: the moment the relay publishes.
    const publishedAt = new Map<string, number>();
    nc.subscribe("catalogue.events.media.published", {
      callback: (err, m) => {
        if (err) return;
        const event = m.json<{ media?: { id?: string } }>();
        if (event.media?.id) publishedAt.set(event.media.id, Date.now());
      },
    });
    const admin = await login(stack.services.auth.url, stack.admin);
    const upload = `${stack.services.ingest.url}/api/v1/ingest/upload`;
    const rows: { handoff: number; processing: number }[] = [];
    for (let run = 0; run <= RUNS; run++) {
      let sentAt = 0;
      const answer = await rawMultipartUpload(upload, admin, {
        title: `bench ${run}`,
        filename: "clip.mp4",
        fileBytes: body.length,
        async sendFile(write) {
          await write(body);
          sentAt = Date.now();
        },
      });
      if (answer.kind !== "answer" || answer.status !== 202)
        throw new Error(`upload answered ${JSON.stringify(answer)}`);
      const id = (answer.body as { media_id: string }).media_id;
      await waitUntil(async () => publishedAt.has(id));
      const row = {
        handoff: answer.at - sentAt,
        processing: (publishedAt.get(id) ?? 0) - answer.at,
      };
      console.log(
        `${run === 0 ? "warm-up" : `run ${run}`}: 202 → published ${row.processing} ms ` +
          `(last byte sent → 202: ${row.handoff} ms)`,
      );
      if (run > 0) rows.push(row);
    }
    const processing = medianOf(rows.map((r) => r.processing));
    const handoff = medianOf(rows.map((r) => r.handoff));
    console.log(
      `\n| median of ${RUNS} | last byte → 202 | 202 → published | worker alone (part 1) | ratio |` +
        `\n|---|---:|---:|---:|---:|` +
        `\n| 10 s 720p clip | ${handoff} ms | **${processing} ms** (goal ≤ 2000) | ${Math.round(workerMedian)} ms | ${(processing / workerMedian).toFixed(2)}× |`,
    );
    console.log(
      `(${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")})`,
    );
    await nc.drain();
  } finally {
    await stack?.stop();
  }
}

function medianOf(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function parseLogLine(
  line: string,
): { msg?: string; level?: number; media_id?: string; ms?: Record<string, number> } | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}
