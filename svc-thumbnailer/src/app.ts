import { availableParallelism } from "node:os";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import {
  BUCKETS,
  CONSUMERS,
  consume,
  createEdge,
  createS3Client,
  ensureBuckets,
  type Logger,
  listen,
  MediaDeleted,
  mountOps,
  openBucket,
  ProcessingJob,
  startKit,
  watchConsumerLag,
} from "@streamstack/contracts/server";
import type { ThumbnailerConfig } from "./config.ts";
import { decoderThreads } from "./domain/thumbnail.ts";
import { checkBinaries, resolveBinaries } from "./media/binaries.ts";
import { createThumbnailerMetrics } from "./metrics.ts";
import { handleMediaDeleted } from "./nats/cleanup.ts";
import { watchExhaustedJobs } from "./nats/give-up.ts";
import { handleProcessingJob } from "./nats/jobs.ts";
import { LastErrors } from "./nats/last-errors.ts";
import { kvTombstones, skipDeletedMedia } from "./nats/tombstones.ts";
import { ensureThumbnailerTopology } from "./nats/topology.ts";

export interface Thumbnailer {
  /** The ops port (/healthz, /readyz, /metrics). */
  port: number;
  /** Stops pulling, hands running jobs back to the queue, drains NATS. */
  close(): Promise<void>;
}

/**
 * The thumbnailer worker: pulls processing jobs from the work queue, probes and
 * thumbnails each upload, publishes the outcome for catalogue; removes thumbnails of
 * deleted items. Any number of instances may run; start order relative to ingest and
 * catalogue does not matter (every stream it touches is ensured here).
 */
export async function startThumbnailer(
  config: ThumbnailerConfig,
  opts: { logger?: Logger } = {},
): Promise<Thumbnailer> {
  const binaries = resolveBinaries({ ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH });
  await checkBinaries(binaries);
  const kit = await startKit({
    name: "thumbnailer",
    description: "Probes uploads and renders thumbnails from the processing work queue",
    env: config,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const { logger, jsm } = kit;
  const s3 = createS3Client({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
  });
  const buckets = { media: config.S3_BUCKET_MEDIA, thumbnails: config.S3_BUCKET_THUMBNAILS };
  const stops: Array<() => Promise<void>> = [];
  const shutdown = new AbortController();
  try {
    // Both, so start order does not matter: the media bucket is ingest's, but until it
    // exists this instance would not be ready.
    await ensureBuckets(s3, [buckets.media, buckets.thumbnails]);
    const jobsConsumer = await ensureThumbnailerTopology(jsm, {
      replicas: config.NATS_REPLICAS,
      ackWaitMs: config.THUMBNAILER_ACK_WAIT_MS,
      maxDeliver: config.THUMBNAILER_MAX_DELIVER,
    });

    const metrics = createThumbnailerMetrics(kit.metrics, { jsm, consumer: jobsConsumer });
    watchConsumerLag(kit.metrics, jsm, [jobsConsumer, CONSUMERS.thumbnailCleanup]);
    const lastErrors = new LastErrors();
    // Deleted items' tombstones: no thumbnail survives a delete (see tombstones.ts).
    const tombstones = kvTombstones(
      await openBucket(kit.nc, BUCKETS.deletedMedia, { replicas: config.NATS_REPLICAS }),
      jsm,
    );
    const deletedMedia = { tombstones, s3, bucket: buckets.thumbnails };
    // Subscribed before pulling: our own pulls may raise the advisory.
    const giveUp = watchExhaustedJobs({
      ...kit,
      consumer: jobsConsumer,
      metrics,
      lastErrors,
      deletedMedia,
    });
    stops.push(() => giveUp.stop());
    const handler = handleProcessingJob({
      js: kit.js,
      logger,
      metrics,
      lastErrors,
      maxDeliver: jobsConsumer.maxDeliver,
      heartbeatMs: Math.min(10_000, Math.floor(jobsConsumer.ackWaitMs / 3)),
      retryBaseMs: config.THUMBNAILER_RETRY_BASE_MS,
      processing: {
        s3,
        buckets,
        binaries,
        toolTimeoutMs: config.THUMBNAILER_MEDIA_TIMEOUT_MS,
        decoderThreads: decoderThreads(availableParallelism(), config.THUMBNAILER_CONCURRENCY),
        signal: shutdown.signal,
      },
    });
    const concurrency = config.THUMBNAILER_CONCURRENCY;
    const guarded = skipDeletedMedia(handler, { ...deletedMedia, logger });
    // Minutes-long jobs, several workers: none fetched before a slot is free (see consume).
    const jobs = await consume(kit.js, jobsConsumer, ProcessingJob, guarded, {
      logger,
      concurrency,
      fetchAhead: false,
    });
    stops.unshift(() => jobs.stop());
    const cleanup = await consume(
      kit.js,
      CONSUMERS.thumbnailCleanup,
      MediaDeleted,
      handleMediaDeleted({ s3, bucket: buckets.thumbnails, metrics, tombstones }),
      { logger, concurrency: 4 },
    );
    stops.unshift(() => cleanup.stop());

    const app = createEdge({ logger, metrics: kit.metrics });
    mountOps(
      app,
      {
        nats: () => jsm.getAccountInfo(),
        s3: () =>
          Promise.all(
            Object.values(buckets).map((Bucket) => s3.send(new HeadBucketCommand({ Bucket }))),
          ),
      },
      kit.metrics,
    );
    const http = await listen(app, { host: config.HOST, port: config.PORT });
    stops.unshift(() => http.close());
    logger.info({ port: http.port, concurrency, consumer: jobsConsumer }, "thumbnailer started");

    return {
      port: http.port,
      async close() {
        shutdown.abort(); // running tools die; their jobs are nak'ed for another instance
        await stopAll(stops);
        await kit.close();
        s3.destroy();
      },
    };
  } catch (err) {
    shutdown.abort();
    await stopAll(stops);
    await kit.close();
    s3.destroy();
    throw err;
  }
}

async function stopAll(stops: Array<() => Promise<void>>) {
  for (const stop of stops) await stop().catch(() => undefined);
}
