/**
 * Range benchmark of the streaming edge against direct S3, in one run, on the same
 * S3 server and object (issue 3, Performance):
 *
 *   npx tsx svc-streaming/bench/range.bench.ts [--duration 9] [--rounds 3] [--warmup 2]
 *     [--object-mib 64] [--loadgen auto|wrk|node] [--log-level info]
 *     [--s3-endpoint URL --nats-url URL]   (default: starts its own s3rver + nats-server)
 *     [--json FILE]
 *
 * 1 MiB and 64 KiB random ranges at 16 and 64 connections, through the edge and as
 * direct presigned GETs of the same ranges: req/s, MB/s, p50/p99, edge ÷ direct and
 * the edge's CPU seconds per GiB served (the edge runs as a child process). Then the
 * edge's RSS while serving 200 concurrent 1 MiB responses, to fast and to stalled readers.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  BUCKETS,
  connectNats,
  createLogger,
  createS3Client,
  ensureBuckets,
  openBucket,
  type StreamTokenRecord,
} from "@streamstack/contracts/server";
import { freePort, startNats, startS3 } from "@streamstack/infra";
import { EDGE_MAIN, startEdgeProcess } from "./edge-process.ts";
import { type LoadGenerator, type LoadResult, nodeGenerator, wrkGenerator } from "./loadgen.ts";
import { cpuSeconds, rssBytes } from "./procfs.ts";
import { findWrk, measureRss, type RssReport } from "./rss.ts";

const NAIVE_EDGE = fileURLToPath(new URL("./naive-edge.ts", import.meta.url));

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "9" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "2" },
    "object-mib": { type: "string", default: "64" },
    loadgen: { type: "string", default: "auto" },
    "log-level": { type: "string", default: "info" },
    "s3-endpoint": { type: "string" },
    "nats-url": { type: "string" },
    json: { type: "string" },
    "skip-naive": { type: "boolean", default: false },
  },
});
const seconds = Number(args.duration);
const warmup = Number(args.warmup);
const rounds = Math.max(1, Number(args.rounds));
const MiB = 1024 * 1024;
const objectSize = Number(args["object-mib"]) * MiB;
const RANGES = [MiB, 64 * 1024];
const CONNECTIONS = [16, 64];

type Path = "direct" | "edge" | "naive";
const PATH_NAMES: Record<Path, string> = {
  direct: "direct S3 (presigned GET)",
  edge: "edge",
  naive: "naive edge (Hono + SDK GetObject)",
};

interface Measured extends LoadResult {
  /** CPU of the process between client and S3; NaN for direct GETs. */
  proxyCpuS: number;
  /** NaN when S3 is not our child (given by URL). */
  s3CpuS: number;
}
interface Row extends Measured {
  rangeLength: number;
  connections: number;
  path: Path;
}

/** Sums of the rounds; latency percentiles are the median round's. */
function combine(runs: Measured[]): Measured {
  const sum = (f: (m: Measured) => number) => runs.reduce((a, m) => a + f(m), 0);
  const median = (f: (m: Measured) => number) => {
    const v = runs.map(f).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)] ?? 0;
  };
  return {
    requests: sum((m) => m.requests),
    seconds: sum((m) => m.seconds),
    bytes: sum((m) => m.bytes),
    errors: sum((m) => m.errors),
    p50Ms: median((m) => m.p50Ms),
    p99Ms: median((m) => m.p99Ms),
    proxyCpuS: sum((m) => m.proxyCpuS),
    s3CpuS: sum((m) => m.s3CpuS),
  };
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
const work = mkdtempSync(join(tmpdir(), "streaming-bench-"));
// Other processes' CPU distorts every number here; the report says how busy it was.
const loadAtStart = loadavg()[0] ?? 0;
const stops: (() => Promise<void>)[] = [];
let finished = false;
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

try {
  // --- servers: given, or our own s3rver and nats-server (each its own process)
  let s3Endpoint = args["s3-endpoint"];
  let natsUrl = args["nats-url"];
  let s3Pid: number | undefined;
  if (!s3Endpoint) {
    const s3 = await startS3({ dataDir: join(work, "s3"), buckets: [] });
    stops.push(s3.stop);
    s3Endpoint = s3.endpoint;
    s3Pid = Number(readFileSync(join(work, "s3", "s3rver.pid"), "utf8").split("\n")[0]);
  }
  if (!natsUrl) {
    const nats = await startNats({ dataDir: join(work, "nats"), port: 0, monitorPort: 0 });
    stops.push(nats.stop);
    natsUrl = nats.url;
  }
  const creds = {
    accessKeyId: process.env.S3_ACCESS_KEY_ID ?? "S3RVER",
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? "S3RVER",
  };
  const bucket = "bench-media";
  const s3 = createS3Client({ endpoint: s3Endpoint, region: "us-east-1", ...creds });
  await ensureBuckets(s3, [bucket]);
  const key = `bench-${randomUUID()}.mp4`;
  log(`uploading a ${objectSize / MiB} MiB object`);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(objectSize) }));

  // --- the edge, as production runs it (own process, JSON logs to a file)
  const port = await freePort();
  const edge = await startEdgeProcess(
    EDGE_MAIN,
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: args["log-level"],
      NATS_URL: natsUrl,
      S3_ENDPOINT: s3Endpoint,
      S3_ACCESS_KEY_ID: creds.accessKeyId,
      S3_SECRET_ACCESS_KEY: creds.secretAccessKey,
      S3_BUCKET_MEDIA: bucket,
    },
    join(work, "edge.log"),
  );
  stops.unshift(edge.stop);
  // The naive edge leaks S3 connections when viewers hang up (its SDK pool of 50 runs
  // dry after a few aborted runs), so each scenario gets a fresh one.
  const startNaive = async () =>
    startEdgeProcess(
      NAIVE_EDGE,
      {
        PORT: String(await freePort()),
        S3_ENDPOINT: s3Endpoint,
        S3_ACCESS_KEY_ID: creds.accessKeyId,
        S3_SECRET_ACCESS_KEY: creds.secretAccessKey,
        S3_BUCKET_MEDIA: bucket,
      },
      join(work, "naive-edge.log"),
    );
  let naive = args["skip-naive"] ? undefined : await startNaive();
  stops.unshift(async () => naive?.stop());

  // A token as the issue RPC would store it; written directly so the bench never
  // touches auth's keys on a shared NATS.
  const nc = await connectNats(
    { url: natsUrl, name: "streaming-bench" },
    createLogger("bench", "silent"),
  );
  stops.unshift(() => nc.close());
  const token = randomBytes(32).toString("base64url");
  const record: StreamTokenRecord = {
    media_id: randomUUID(),
    user_id: randomUUID(),
    issued_at: new Date().toISOString(),
    s3_key: key,
    size_bytes: objectSize,
    content_type: "video/mp4",
  };
  const kv = await openBucket(nc, BUCKETS.streamTokens, { replicas: 1 });
  await kv.put(token, JSON.stringify(record));
  const direct = new URL(
    await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 3600 }),
  );
  const targets: Record<Path, { origin: string; path: string; pid?: number }> = {
    direct: { origin: direct.origin, path: direct.pathname + direct.search },
    edge: { origin: edge.base, path: `/api/v1/stream/${token}`, pid: edge.pid },
    naive: { origin: naive?.base ?? "", path: `/naive/${key}`, pid: naive?.pid ?? 0 },
  };
  const paths: Path[] = naive ? ["direct", "edge", "naive"] : ["direct", "edge"];
  const first = await fetch(`${edge.base}${targets.edge.path}`, {
    headers: { Range: "bytes=0-0" },
  });
  if (first.status !== 206) throw new Error(`the edge answered ${first.status} to a range`);
  await first.arrayBuffer();

  const wrk = args.loadgen === "node" ? undefined : findWrk();
  if (args.loadgen === "wrk" && !wrk)
    throw new Error("wrk is not installed (apt-get install -y wrk)");
  const generate: LoadGenerator = wrk ? wrkGenerator(wrk, work) : nodeGenerator;
  const loadgenName = wrk ? "wrk, 1 thread" : "node:http keep-alive (in the bench process)";

  const idleRss = await measureIdle(edge.pid);

  // --- throughput: same seed for both targets, so the same range sequence
  const rows: Row[] = [];
  for (const rangeLength of RANGES) {
    for (const connections of CONNECTIONS) {
      if (naive) {
        await naive.stop();
        naive = await startNaive();
        targets.naive = { ...targets.naive, origin: naive.base, pid: naive.pid };
      }
      // Rounds alternate the paths, so all of them meet the same background load.
      const runs = new Map<Path, Measured[]>(paths.map((p) => [p, []]));
      for (const path of paths) {
        const spec = { ...targets[path], objectSize, rangeLength, connections };
        await generate({ ...spec, seconds: warmup, seed: 7 });
      }
      for (let round = 0; round < rounds; round++) {
        for (const path of paths) {
          const { pid } = targets[path];
          const spec = { ...targets[path], objectSize, rangeLength, connections, seed: 42 + round };
          const cpu0 = pid ? cpuSeconds(pid) : 0;
          const s3cpu0 = s3Pid ? cpuSeconds(s3Pid) : 0;
          const result = await generate({ ...spec, seconds: seconds / rounds });
          if (pid && !alive(pid))
            throw new Error(`the ${path} process died; see its log in ${work}`);
          runs.get(path)?.push({
            ...result,
            proxyCpuS: pid ? cpuSeconds(pid) - cpu0 : Number.NaN,
            s3CpuS: s3Pid ? cpuSeconds(s3Pid) - s3cpu0 : Number.NaN,
          });
        }
      }
      for (const path of paths) {
        const row = { ...combine(runs.get(path) ?? []), rangeLength, connections, path };
        rows.push(row);
        log(
          `${label(rangeLength)} ×${connections} ${path}: ${(row.requests / row.seconds).toFixed(0)} req/s, ${row.errors} errors`,
        );
      }
    }
  }

  // --- memory: 200 concurrent 1 MiB responses
  const rss: RssReport = await measureRss({
    pid: edge.pid,
    origin: edge.base,
    path: targets.edge.path,
    objectSize,
    idle: idleRss,
    generate,
  });

  const report = renderReport(rows, rss, loadgenName);
  process.stdout.write(report);
  if (args.json) writeFileSync(args.json, JSON.stringify({ rows, rss }, null, 2));
  s3.destroy();
  finished = true;
} finally {
  for (const stop of stops) await stop().catch(() => undefined);
  // Logs of a failed run stay for a look.
  if (finished) rmSync(work, { recursive: true, force: true });
  else log(`logs kept in ${work}`);
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function measureIdle(pid: number) {
  await new Promise((r) => setTimeout(r, 1000));
  return rssBytes(pid);
}

function label(bytes: number) {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`;
}

function renderReport(rows: Row[], rss: RssReport, loadgen: string) {
  const lines = [
    "",
    `Streaming edge vs direct S3 — node ${process.version}, ${cpus().length} cores, load generator: ${loadgen};`,
    `load average ${loadAtStart.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end (above ~2 on this machine means other work shared the cores);`,
    `${objectSize / MiB} MiB object on ${args["s3-endpoint"] ?? "s3rver (own process)"}, ${seconds} s per path in ${rounds} alternating rounds after ${warmup} s warm-up, edge LOG_LEVEL=${args["log-level"]}.`,
    "",
    "| range | conns | path | req/s | MB/s | p50 ms | p99 ms | ÷ direct | proxy CPU s/GiB | S3 CPU s/GiB | errors |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const perGiB = (cpu: number, bytes: number) =>
    Number.isNaN(cpu) ? "" : (cpu / (bytes / 1024 ** 3)).toFixed(2);
  for (const row of rows) {
    const reqS = row.requests / row.seconds;
    const direct = rows.find(
      (r) =>
        r.path === "direct" &&
        r.rangeLength === row.rangeLength &&
        r.connections === row.connections,
    );
    const ratio =
      row.path !== "direct" && direct ? reqS / (direct.requests / direct.seconds) : undefined;
    const shown =
      ratio === undefined ? "" : row.path === "edge" ? `**${ratio.toFixed(2)}**` : ratio.toFixed(2);
    lines.push(
      `| ${label(row.rangeLength)} | ${row.connections} | ${PATH_NAMES[row.path]} | ${reqS.toFixed(0)} | ${(row.bytes / row.seconds / 1e6).toFixed(0)} | ${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${shown} | ${perGiB(row.proxyCpuS, row.bytes)} | ${perGiB(row.s3CpuS, row.bytes) || "n/a"} | ${row.errors} |`,
    );
  }
  const mb = (b: number) => (b / MiB).toFixed(0);
  lines.push(
    "",
    "| edge RSS | MiB | growth over idle |",
    "|---|---:|---:|",
    `| idle (after start and one request) | ${mb(rss.idle)} | |`,
    `| peak, 200 connections × 1 MiB ranges, fast readers (${rss.fastSeconds} s) | ${mb(rss.fastPeak)} | +${mb(rss.fastPeak - rss.idle)} |`,
    `| peak, 200 concurrent 1 MiB responses, readers stalled ${rss.stallSeconds} s | ${mb(rss.stalledPeak)} | +${mb(rss.stalledPeak - rss.idle)} |`,
    "",
  );
  return lines.join("\n");
}
