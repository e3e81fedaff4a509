// Upload throughput and memory of ingest, against a direct lib-storage upload of the same
// bytes to the same S3 server, in one run. Real nats-server and s3rver (child processes);
// ingest runs as its own process (svc-ingest/src/main.ts), as in production, and its RSS
// is sampled from /proc while each upload runs. The bytes are made on the fly.
//
//   npm run bench -w svc-ingest        (or: npx tsx svc-ingest/bench/upload.bench.ts)
//   SIZES_MB=200,1024 (default) picks the file sizes, ROUNDS=3 (default) the repetitions,
//   ONLY=multipart|tus one ingest path;
//   INGEST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the ingest process.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  BaseEnv,
  connectNats,
  createLogger,
  createS3Client,
  type MediaItem,
  RPC,
  serveRpc,
  startKit,
} from "@streamstack/contracts/server";
import { createTestIssuer, freePort, startNats, startS3 } from "@streamstack/infra";
import { videoBytes } from "./bytes.ts";
import { multipartUpload, tusUpload } from "./clients.ts";
import { cpuSecondsOf, rssOf, sampleRss } from "./rss.ts";

const MB = 1_000_000;
const MiB = 1024 * 1024;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PATHS = (
  [
    ["ingest multipart", multipartUpload],
    ["ingest tus", tusUpload],
  ] as const
).filter(([path]) => path.includes(process.env.ONLY ?? ""));
const SIZES = (process.env.SIZES_MB ?? "200,1024").split(",").map((s) => Number(s) * MiB);
const PART = 8 * MiB;
const QUEUE = 4;
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "ingest-bench-"));
const logger = createLogger("bench", "silent");
const nats = await startNats({ dataDir: join(dir, "nats"), port: 0, monitorPort: 0 });
const s3server = await startS3({ dataDir: join(dir, "s3"), buckets: ["media"] });
let ingest: ChildProcess | undefined;

interface Row {
  path: string;
  bytes: number;
  round: number;
  seconds: number;
  /** CPU seconds the upload took from the client (this process) and from the S3 server. */
  cpu: { client: number; s3: number };
  ingest?: { idle: number; peak: number; cpuSeconds: number };
}

try {
  const s3 = createS3Client({ ...s3server, endpoint: s3server.endpoint });
  const nc = await connectNats({ url: nats.url, name: "bench" }, logger);
  const issuer = await createTestIssuer(nc);
  const token = await issuer.token({ role: "admin" });
  await standInCatalogue(nats.url);

  const port = await freePort();
  const nodeArgs = (process.env.INGEST_NODE_ARGS ?? "").split(" ").filter(Boolean);
  ingest = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "svc-ingest/src/main.ts"], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      NATS_URL: nats.url,
      S3_ENDPOINT: s3server.endpoint,
      S3_REGION: s3server.region,
      S3_ACCESS_KEY_ID: s3server.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3server.secretAccessKey,
      S3_BUCKET_MEDIA: "media",
      MAX_UPLOAD_BYTES: String(4 * 1024 * MiB),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  });
  const base = `http://127.0.0.1:${port}/api/v1/ingest`;
  await waitHealthy(`http://127.0.0.1:${port}/healthz`);
  const pid = ingest.pid!;
  // Warm-up: loads every lazy module on both paths, so "idle" is a served process.
  await multipartUpload(base, token, videoBytes(16 * MiB), 16 * MiB);
  await tusUpload(base, token, videoBytes(16 * MiB), 16 * MiB);
  await emptyBucket(s3);

  const rows: Row[] = [];
  for (const size of SIZES) {
    // Rounds interleave the three paths, so a busy moment on the machine hits all of them.
    for (let round = 0; round < ROUNDS; round++) {
      rows.push(await timed("direct lib-storage", size, round, () => directUpload(s3, size)));
      for (const [path, upload] of PATHS) {
        await new Promise((r) => setTimeout(r, 500));
        const idle = await rssOf(pid);
        const cpuBefore = await cpuSecondsOf(pid);
        const sampler = sampleRss(pid);
        const row = await timed(path, size, round, () =>
          upload(base, token, videoBytes(size), size),
        );
        const peak = await sampler.stop();
        row.ingest = { idle, peak, cpuSeconds: (await cpuSecondsOf(pid)) - cpuBefore };
        rows.push(row);
      }
      await emptyBucket(s3);
    }
  }
  printTable(rows);
  await nc.close();
} finally {
  ingest?.kill("SIGTERM");
  await Promise.allSettled([nats.stop(), s3server.stop()]);
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);

async function timed(
  path: string,
  bytes: number,
  round: number,
  run: () => Promise<unknown>,
): Promise<Row> {
  const s3Before = await cpuSecondsOf(s3server.pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const cpu = {
    client: (client.user + client.system) / 1e6,
    s3: (await cpuSecondsOf(s3server.pid)) - s3Before,
  };
  const row = { path, bytes, round, seconds, cpu };
  console.error(`${path} ${bytes / MiB} MiB: ${(bytes / MB / row.seconds).toFixed(1)} MB/s`);
  return row;
}

function directUpload(s3: S3Client, size: number) {
  return new Upload({
    client: s3,
    params: { Bucket: "media", Key: `direct-${size}.mp4`, Body: videoBytes(size) },
    partSize: PART,
    queueSize: QUEUE,
  }).done();
}

/** Catalogue's media-create, answered from memory: the bench measures ingest, not catalogue. */
async function standInCatalogue(natsUrl: string) {
  const kit = await startKit({
    name: "catalogue",
    description: "bench stand-in",
    env: BaseEnv.parse({ PORT: "0", NATS_URL: natsUrl, LOG_LEVEL: "silent" }),
    logger,
  });
  serveRpc(
    kit.service,
    RPC.mediaCreate,
    async (req) => {
      const now = new Date().toISOString();
      const item: MediaItem = {
        ...{ id: req.media_id, title: req.title, description: req.description },
        ...{ status: "processing", size_bytes: req.size_bytes, content_type: req.content_type },
        ...{ duration_s: null, video_codec: null, audio_codec: null, width: null, height: null },
        ...{ fps: null, thumbnail_url: null, failure_reason: null, published_at: null },
        ...{ created_at: now, updated_at: now },
      };
      return { item, created: true };
    },
    logger,
  );
}

async function emptyBucket(s3: S3Client) {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: "media" }));
  for (const o of listed.Contents ?? []) {
    await s3.send(new DeleteObjectCommand({ Bucket: "media", Key: o.Key }));
  }
}

async function waitHealthy(url: string) {
  for (let i = 0; i < 1200; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("ingest did not become healthy");
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
}

function printTable(rows: Row[]) {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.bytes} ${r.path}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const mb = (n: number) => `${(n / MB).toFixed(0)} MB`;
  const seconds = (n: number) => `${n.toFixed(1)} s`;
  console.log(
    `\nUpload benchmark — s3rver, part ${PART / MiB} MiB × ${QUEUE} in flight, ${ROUNDS} rounds, ` +
      `${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}, node ${process.version}\n` +
      "Time and throughput: median over rounds. Ratio: median of each round's direct time ÷\n" +
      "ingest time (the two ran back to back, so a busy moment hits both). RSS: ingest process.\n" +
      "CPU: seconds of CPU each process spent on one upload (median); the client is this process.\n",
  );
  console.log(
    "| path | size | time | throughput | vs direct (goal ≥ 0.9) | ingest RSS idle → peak | RSS growth (goal ≤ 100 MB) | CPU: ingest | client | S3 server |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const group of groups.values()) {
    const { bytes, path } = group[0]!;
    const t = median(group.map((r) => r.seconds));
    const ratios = group.flatMap((r) => {
      const direct = rows.find(
        (d) => d.path.startsWith("direct") && d.bytes === r.bytes && d.round === r.round,
      );
      return direct ? [direct.seconds / r.seconds] : [];
    });
    const ingest = group.flatMap((r) => (r.ingest ? [r.ingest] : []));
    const cells = ingest.length
      ? [
          `${mb(median(ingest.map((i) => i.idle)))} → ${mb(Math.max(...ingest.map((i) => i.peak)))}`,
          mb(Math.max(0, ...ingest.map((i) => i.peak - i.idle))),
          seconds(median(ingest.map((i) => i.cpuSeconds))),
        ]
      : ["—", "—", "—"];
    cells.push(
      seconds(median(group.map((r) => r.cpu.client))),
      seconds(median(group.map((r) => r.cpu.s3))),
    );
    const ratio = path.startsWith("direct")
      ? "—"
      : `${median(ratios).toFixed(2)} (${ratios.map((x) => x.toFixed(2)).join(", ")})`;
    console.log(
      `| ${path} | ${(bytes / MiB).toFixed(0)} MiB | ${t.toFixed(1)} s | ${(bytes / MB / t).toFixed(1)} MB/s | ${ratio} | ${cells.join(" | ")} |`,
    );
  }
}
