import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { getRequestListener } from "@hono/node-server";
import {
  AppError,
  apiDocRoutes,
  BUCKETS,
  createEdge,
  createS3Client,
  type Logger,
  mountOps,
  openBucket,
  RPC,
  serveRpc,
  startKit,
  startTokenVerifier,
} from "@streamstack/contracts/server";
import type { StreamingConfig } from "./config.ts";
import { createBytesServed } from "./http/bytes-served.ts";
import { STREAM_BASE, streamingOpenApi } from "./http/openapi.ts";
import { startStreamingServer } from "./http/server.ts";
import { serveThumbnail } from "./http/thumbnail.ts";
import { serveVideo } from "./http/video.ts";
import { createStreamTokenStore } from "./nats/stream-tokens.ts";
import { issueStreamToken } from "./nats/token-issue.ts";
import { createS3Origin } from "./s3/origin.ts";

export interface Streaming {
  port: number;
  close(): Promise<void>;
}

/**
 * The streaming edge: serves `streaming.rpc.token.issue` over NATS and the bytes of
 * `/api/v1/stream/*` from S3. Nothing else: no Postgres, no other service.
 */
export async function startStreaming(
  config: StreamingConfig,
  opts: { logger?: Logger } = {},
): Promise<Streaming> {
  const kit = await startKit({
    name: "streaming",
    description: "Stream tokens and byte-range delivery of media from S3",
    env: config,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const { logger, metrics } = kit;
  const s3 = createS3Client({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
  });
  const origin = createS3Origin(s3, { maxSockets: config.S3_MAX_SOCKETS });
  let verifier: Awaited<ReturnType<typeof startTokenVerifier>> | undefined;
  try {
    const replicas = config.NATS_REPLICAS;
    const ttlMs = config.STREAM_TOKEN_TTL_S * 1000;
    verifier = await startTokenVerifier({
      nc: kit.nc,
      issuer: config.JWT_ISSUER,
      replicas,
      logger,
    });
    const kv = await openBucket(kit.nc, BUCKETS.streamTokens, { replicas, ttlMs });
    const tokens = createStreamTokenStore(kv, {
      ttlMs,
      maxEntries: config.STREAM_TOKEN_CACHE_SIZE,
      logger,
    });
    serveRpc(
      kit.service,
      RPC.tokenIssue,
      issueStreamToken({ verifier, tokens, ttlMs }),
      logger,
      kit.metrics,
    );

    const edge = createEdge({ logger, metrics });
    mountOps(
      edge,
      {
        nats: () => kit.nc.flush(),
        s3: () => s3.send(new HeadBucketCommand({ Bucket: config.S3_BUCKET_MEDIA })),
      },
      metrics,
    );
    edge.route("/", apiDocRoutes(STREAM_BASE, streamingOpenApi()));
    // The byte routes answer well-formed paths before Hono sees them; what reaches
    // Hono under the prefix is a token or thumbnail name that cannot exist.
    edge.get("/api/v1/stream/thumbnails/*", () => {
      throw new AppError("not_found", "this media has no thumbnail");
    });
    edge.get("/api/v1/stream/*", () => {
      throw new AppError("not_found", "stream token is unknown or expired");
    });

    const served = createBytesServed(metrics);
    const videoDeps = {
      tokens,
      origin,
      mediaBucket: config.S3_BUCKET_MEDIA,
      logger,
      served: served.media,
    };
    const thumbnailDeps = {
      origin,
      thumbnailBucket: config.S3_BUCKET_THUMBNAILS,
      maxAgeS: config.THUMBNAIL_MAX_AGE_S,
      logger,
      served: served.thumbnail,
    };
    const server = await startStreamingServer({
      host: config.HOST,
      port: config.PORT,
      video: (ex, token) => serveVideo(videoDeps, ex, token),
      thumbnail: (ex, mediaId) => serveThumbnail(thumbnailDeps, ex, mediaId),
      fallback: getRequestListener(edge.fetch),
      logger,
      metrics,
    });
    logger.info({ port: server.port }, "streaming edge listening");

    const stopVerifier = verifier;
    return {
      port: server.port,
      async close() {
        await server.close();
        stopVerifier.stop();
        await kit.close();
        origin.close();
        s3.destroy();
      },
    };
  } catch (err) {
    verifier?.stop();
    await kit.close();
    origin.close();
    s3.destroy();
    throw err;
  }
}
