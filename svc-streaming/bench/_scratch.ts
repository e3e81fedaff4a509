// scratch: profile the edge alone (not committed)
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
} from "@streamstack/contracts/server";
import { freePort, startNats, startS3 } from "@streamstack/infra";
import { startEdgeProcess } from "./edge-process.ts";
import { wrkGenerator } from "./loadgen.ts";
import { cpuSeconds } from "./procfs.ts";
import { findWrk } from "./rss.ts";

const { values: a } = parseArgs({
  options: {
    len: { type: "string", default: "65536" },
    c: { type: "string", default: "16" },
    s: { type: "string", default: "6" },
    target: { type: "string", default: "edge" },
    nodeopts: { type: "string", default: "" },
    log: { type: "string", default: "info" },
  },
});
const work = mkdtempSync(join(tmpdir(), "scratch-"));
const s3srv = await startS3({ dataDir: join(work, "s3"), buckets: [] });
const s3Pid = Number(readFileSync(join(work, "s3", "s3rver.pid"), "utf8").split("\n")[0]);
const nats = await startNats({ dataDir: join(work, "nats"), port: 0, monitorPort: 0 });
const s3 = createS3Client({
  endpoint: s3srv.endpoint,
  region: "us-east-1",
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
});
await ensureBuckets(s3, ["mbench"]);
const size = 64 * 1024 * 1024;
await s3.send(new PutObjectCommand({ Bucket: "mbench", Key: "o.mp4", Body: randomBytes(size) }));
const port = await freePort();
const edge = await startEdgeProcess(
  {
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: a.log,
    NATS_URL: nats.url,
    S3_ENDPOINT: s3srv.endpoint,
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_BUCKET_MEDIA: "mbench",
  },
  join(work, "edge.log"),
  a.nodeopts ? a.nodeopts.split(" ") : [],
);
const nc = await connectNats({ url: nats.url, name: "x" }, createLogger("x", "silent"));
const token = randomBytes(32).toString("base64url");
const kv = await openBucket(nc, BUCKETS.streamTokens, { replicas: 1 });
await kv.put(
  token,
  JSON.stringify({
    media_id: randomUUID(),
    user_id: randomUUID(),
    issued_at: new Date().toISOString(),
    s3_key: "o.mp4",
    size_bytes: size,
    content_type: "video/mp4",
  }),
);
const direct = new URL(
  await getSignedUrl(s3, new GetObjectCommand({ Bucket: "mbench", Key: "o.mp4" }), {
    expiresIn: 3600,
  }),
);
const gen = wrkGenerator(findWrk() ?? "wrk", work);
const target =
  a.target === "edge"
    ? { origin: edge.base, path: `/api/v1/stream/${token}` }
    : { origin: direct.origin, path: direct.pathname + direct.search };
const spec = {
  ...target,
  objectSize: size,
  rangeLength: Number(a.len),
  connections: Number(a.c),
  seed: 1,
};
await gen({ ...spec, seconds: 2 });
const c0 = cpuSeconds(edge.pid),
  s0 = cpuSeconds(s3Pid);
const r = await gen({ ...spec, seconds: Number(a.s) });
const gib = r.bytes / 1024 ** 3;
console.log(
  JSON.stringify({
    target: a.target,
    reqs: (r.requests / r.seconds).toFixed(0),
    MBs: (r.bytes / r.seconds / 1e6).toFixed(0),
    p50: r.p50Ms,
    edgeCpuPerGiB: ((cpuSeconds(edge.pid) - c0) / gib).toFixed(2),
    s3CpuPerGiB: ((cpuSeconds(s3Pid) - s0) / gib).toFixed(2),
    edgeCpuPerReqUs: (((cpuSeconds(edge.pid) - c0) / r.requests) * 1e6).toFixed(0),
    s3CpuPerReqUs: (((cpuSeconds(s3Pid) - s0) / r.requests) * 1e6).toFixed(0),
  }),
);
await edge.stop();
await nc.close();
await nats.stop();
await s3srv.stop();
s3.destroy();
