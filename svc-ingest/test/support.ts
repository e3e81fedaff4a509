import { createHash } from "node:crypto";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  AppError,
  BaseEnv,
  connectNats,
  createLogger,
  decodeJson,
  type MediaCreateRequest,
  type MediaItem,
  type NatsConnection,
  ProcessingJob,
  RPC,
  STREAMS,
  serveRpc,
  startKit,
} from "@streamstack/contracts/server";
import {
  createTestIssuer,
  eventually,
  startTestNats,
  type TestNats,
  testS3,
} from "@streamstack/infra";
import { type RunningIngest, startIngest } from "../src/app.ts";
import { IngestEnv } from "../src/config.ts";

export { eventually };

export const logger = createLogger("ingest-test", process.env.TEST_LOG_LEVEL ?? "silent");

export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/**
 * A real nats-server, test buckets on the shared s3rver and ingest on them, plus test
 * tokens and read access to the bucket and the job stream.
 */
export async function startIngestWorld(env: Record<string, string> = {}) {
  const nats: TestNats = await startTestNats();
  const s3info = testS3();
  const buckets = await s3info.createTestBuckets();
  const nc: NatsConnection = await connectNats({ url: nats.url, name: "ingest-test" }, logger);
  const issuer = await createTestIssuer(nc);
  const s3 = new S3Client(s3info.clientConfig);
  const config = IngestEnv.parse({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    NATS_URL: nats.url,
    S3_ENDPOINT: s3info.endpoint,
    S3_REGION: s3info.region,
    S3_ACCESS_KEY_ID: s3info.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3info.secretAccessKey,
    S3_BUCKET_MEDIA: buckets.media,
    S3_BUCKET_THUMBNAILS: buckets.thumbnails,
    // Rounds run when a test asks (ingest.reconcile()), not on a timer.
    RECONCILE_INTERVAL_MS: "3600000",
    RECONCILE_GRACE_MS: "0",
    TUS_PART_BYTES: String(5 * 1024 * 1024),
    ...env,
  });
  const ingest: RunningIngest = await startIngest(config, { logger });
  const jsm = await nc.jetstreamManager();
  return {
    nats,
    nc,
    jsm,
    s3,
    buckets,
    config,
    ingest,
    issuer,
    base: `http://127.0.0.1:${ingest.port}/api/v1/ingest`,
    tokens: {
      admin: await issuer.token({ role: "admin" }),
      viewer: await issuer.token({ role: "viewer" }),
    },
    /** Every key in the media bucket. */
    async keys(prefix = ""): Promise<string[]> {
      const out = await s3.send(
        new ListObjectsV2Command({ Bucket: buckets.media, Prefix: prefix }),
      );
      return (out.Contents ?? []).map((o) => o.Key ?? "").sort();
    },
    /** Media files only (not ingest's own `_ingest/` notes or tus `.info` files). */
    async mediaKeys(): Promise<string[]> {
      return (await this.keys()).filter((k) => !k.startsWith("_ingest/") && !k.endsWith(".info"));
    },
    async object(key: string): Promise<Buffer> {
      const res = await s3.send(new GetObjectCommand({ Bucket: buckets.media, Key: key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    },
    async put(key: string, body: string | Uint8Array) {
      await s3.send(new PutObjectCommand({ Bucket: buckets.media, Key: key, Body: body }));
    },
    /** The jobs waiting on THUMBNAILER_JOBS (nothing consumes them in these tests). */
    async jobs(): Promise<ProcessingJob[]> {
      const info = await jsm.streams.info(STREAMS.processingJobs.name);
      const jobs: ProcessingJob[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && seq > 0; seq++) {
        const m = await jsm.streams
          .getMessage(STREAMS.processingJobs.name, { seq })
          .catch(() => null);
        if (m) jobs.push(decodeJson(ProcessingJob, m.data, "job") as ProcessingJob);
      }
      return jobs;
    },
    async close() {
      await ingest.close();
      await nc.close();
      s3.destroy();
      await nats.stop();
    },
  };
}
export type IngestWorld = Awaited<ReturnType<typeof startIngestWorld>>;

/**
 * Catalogue's two RPCs, answered from memory: enough to test ingest before (and
 * besides) the real catalogue. `stop()` takes it off NATS ("catalogue down").
 */
export async function startFakeCatalogue(
  natsUrl: string,
  behaviour: { mode: "answer" | "hang" | "refuse" } = { mode: "answer" },
) {
  const kit = await startKit({
    name: "catalogue",
    description: "test stand-in",
    env: BaseEnv.parse({ PORT: "0", NATS_URL: natsUrl, LOG_LEVEL: "silent" }),
    logger,
  });
  const items = new Map<string, MediaItem>();
  const requests: Array<{ payload: MediaCreateRequest; accessToken: string | undefined }> = [];
  serveRpc(
    kit.service,
    RPC.mediaCreate,
    async (payload, ctx) => {
      requests.push({ payload, accessToken: ctx.accessToken });
      if (behaviour.mode === "hang") await new Promise((r) => setTimeout(r, 60_000).unref());
      if (behaviour.mode === "refuse") throw new AppError("invalid_request", "refused by the test");
      const existing = items.get(payload.media_id);
      if (existing) return { item: existing, created: false };
      const item = mediaItem(payload);
      items.set(item.id, item);
      return { item, created: true };
    },
    logger,
  );
  serveRpc(
    kit.service,
    RPC.mediaGet,
    async ({ media_id }) => {
      const item = items.get(media_id);
      if (!item) throw new AppError("not_found", "no such media item");
      return { item };
    },
    logger,
  );
  return { items, requests, behaviour, stop: () => kit.close() };
}

function mediaItem(req: MediaCreateRequest): MediaItem {
  const now = new Date().toISOString();
  return {
    id: req.media_id,
    title: req.title,
    description: req.description,
    status: "processing",
    size_bytes: req.size_bytes,
    content_type: req.content_type,
    duration_s: null,
    video_codec: null,
    audio_codec: null,
    width: null,
    height: null,
    fps: null,
    thumbnail_url: null,
    failure_reason: null,
    created_at: now,
    updated_at: now,
    published_at: null,
  };
}
