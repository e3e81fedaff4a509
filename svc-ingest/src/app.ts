import { HeadBucketCommand } from "@aws-sdk/client-s3";
import {
  apiDocRoutes,
  BUCKETS,
  CONSUMERS,
  createEdge,
  createS3Client,
  ensureBuckets,
  ensureConsumer,
  ensureStream,
  type Logger,
  listen,
  mountOps,
  openBucket,
  STREAMS,
  s3ClientConfig,
  startKit,
  startTokenVerifier,
  Teardown,
  watchConsumerLag,
} from "@streamstack/contracts/server";
import type { IngestConfig } from "./config.ts";
import type { HandoffDeps } from "./handoff/handoff.ts";
import { type ReconcileReport, startReconciler } from "./handoff/reconciler.ts";
import { INGEST_BASE, ingestOpenApi } from "./http/openapi.ts";
import { pipelineRoutes } from "./http/pipeline.ts";
import { tusRoutes } from "./http/tus.ts";
import { uploadRoutes } from "./http/upload.ts";
import { createIngestMetrics } from "./metrics.ts";
import { startMediaCleanup } from "./nats/media-cleanup.ts";
import { mediaBucket } from "./s3/media-bucket.ts";
import { signWithoutPayloadHash } from "./s3/unsigned-payload.ts";
import { JournaledS3Store } from "./tus/journaled-store.ts";
import { NatsKvLocker } from "./tus/kv-locker.ts";
import { createTusServer } from "./tus/tus-server.ts";

export interface RunningIngest {
  port: number;
  /** Runs one reconcile round now (tests; production runs it on a timer). */
  reconcile(): Promise<ReconcileReport | undefined>;
  /** Removes expired unfinished tus uploads now (production runs it on a timer). */
  cleanUpExpiredUploads(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The ingest service: admin uploads (multipart and tus) streamed into S3, recorded by
 * catalogue and queued for the thumbnailer; removes media files when items are deleted;
 * shows operators the pipeline.
 */
export async function startIngest(
  config: IngestConfig,
  opts: { logger?: Logger } = {},
): Promise<RunningIngest> {
  const kit = await startKit({
    name: "ingest",
    description: "Uploads into S3 and hand-off to the processing queue",
    env: config,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const { logger, metrics } = kit;
  const teardown = new Teardown();
  teardown.defer(() => kit.close());
  const closeAll = () => teardown.close();
  try {
    const s3Options = {
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    };
    const s3 = createS3Client(s3Options);
    signWithoutPayloadHash(s3);
    teardown.defer(() => s3.destroy());
    await ensureBuckets(s3, [config.S3_BUCKET_MEDIA]);
    const bucket = mediaBucket(s3, config.S3_BUCKET_MEDIA, {
      partBytes: config.UPLOAD_PART_BYTES,
      queueSize: config.UPLOAD_QUEUE_SIZE,
    });

    const replicas = { replicas: config.NATS_REPLICAS };
    await ensureStream(kit.jsm, STREAMS.processingJobs, { ...replicas, service: "ingest" });
    // Owned by catalogue; ensured here too so the start order does not matter.
    await ensureStream(kit.jsm, STREAMS.catalogueEvents, { ...replicas, service: "ingest" });
    await ensureConsumer(kit.jsm, CONSUMERS.mediaCleanup);
    watchConsumerLag(metrics, kit.jsm, [CONSUMERS.mediaCleanup]);
    const verifier = await startTokenVerifier({
      nc: kit.nc,
      issuer: config.JWT_ISSUER,
      replicas: config.NATS_REPLICAS,
      logger,
    });
    teardown.defer(() => verifier.stop());

    const deps: HandoffDeps = {
      nc: kit.nc,
      js: kit.js,
      bucket,
      logger,
      catalogueTimeoutMs: config.CATALOGUE_TIMEOUT_MS,
    };
    const mediaCleanup = await startMediaCleanup({ js: kit.js, bucket, logger });
    teardown.defer(() => mediaCleanup.stop());
    const reconciler = startReconciler(deps, {
      intervalMs: config.RECONCILE_INTERVAL_MS,
      graceMs: config.RECONCILE_GRACE_MS,
      logger,
    });
    teardown.defer(() => reconciler.stop());

    const store = new JournaledS3Store({
      s3ClientConfig: { ...s3ClientConfig(s3Options), bucket: config.S3_BUCKET_MEDIA },
      partSize: config.TUS_PART_BYTES,
      maxConcurrentPartUploads: config.TUS_PART_CONCURRENCY,
      expirationPeriodInMilliseconds: config.TUS_EXPIRATION_MS,
      // Expiry is found from the part journals, not from S3 object tags.
      useTags: false,
    });
    const locks = await openBucket(kit.nc, BUCKETS.tusLocks, replicas);
    const locker = new NatsKvLocker(locks, kit.nc, {
      leaseMs: BUCKETS.tusLocks.ttlMs,
      acquireTimeoutMs: 30_000,
    });
    const ingestMetrics = createIngestMetrics(metrics);
    const tus = createTusServer({
      ...deps,
      store,
      locker,
      maxBytes: config.MAX_UPLOAD_BYTES,
      metrics: ingestMetrics,
    });
    const expiry = setInterval(() => {
      tus
        .cleanUpExpiredUploads()
        .then((n) => n && logger.info({ removed: n }, "expired tus uploads removed"))
        .catch((err) => logger.warn({ err }, "tus expiry round failed"));
    }, config.TUS_CLEANUP_INTERVAL_MS);
    expiry.unref();
    teardown.defer(() => clearInterval(expiry));

    const edge = createEdge({ logger, metrics });
    mountOps(
      edge,
      {
        nats: () => kit.nc.flush(),
        s3: () => s3.send(new HeadBucketCommand({ Bucket: config.S3_BUCKET_MEDIA })),
      },
      metrics,
    );
    const routeDeps = { ...deps, verifier, maxBytes: config.MAX_UPLOAD_BYTES };
    edge.route(
      "/api/v1/ingest",
      uploadRoutes({
        ...routeDeps,
        readAheadBytes: config.UPLOAD_PART_BYTES,
        metrics: ingestMetrics,
      }),
    );
    edge.route("/api/v1/ingest", tusRoutes({ ...routeDeps, tus, store }));
    edge.route("/api/v1/ingest", pipelineRoutes({ nc: kit.nc, jsm: kit.jsm, verifier }));
    edge.route("/", apiDocRoutes(INGEST_BASE, ingestOpenApi()));
    const http = await listen(edge, { host: config.HOST, port: config.PORT });
    teardown.defer(() => http.close());
    logger.info({ port: http.port }, "ingest listening");
    return {
      port: http.port,
      reconcile: () => reconciler.runOnce(),
      cleanUpExpiredUploads: () => tus.cleanUpExpiredUploads(),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
