import { randomBytes, randomUUID } from "node:crypto";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  connectNats,
  createLogger,
  type NatsConnection,
  RPC,
  request,
  type StreamTokenIssueRequest,
} from "@streamstack/contracts/server";
import { createTestIssuer, startTestNats, type TestIssuer, testS3 } from "@streamstack/infra";
import { type Streaming, startStreaming } from "../src/app.ts";
import { StreamingEnv } from "../src/config.ts";

export const silent = createLogger("streaming-test", "silent");

/** What catalogue sends on token issue for a stored video. */
export type Media = StreamTokenIssueRequest;

/**
 * One nats-server, two fresh S3 buckets and a streaming edge for a test file, plus a
 * NATS client acting as catalogue and an issuer acting as auth. Everything is real.
 */
export async function startStreamingWorld(env: Record<string, string> = {}) {
  const nats = await startTestNats();
  const s3info = testS3();
  const buckets = await s3info.createTestBuckets();
  const s3 = new S3Client(s3info.clientConfig);
  const nc: NatsConnection = await connectNats({ url: nats.url, name: "catalogue-test" }, silent);
  const issuer: TestIssuer = await createTestIssuer(nc);
  const edges: Streaming[] = [];

  const configFor = (overrides: Record<string, string> = {}) =>
    StreamingEnv.parse({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      NATS_URL: nats.url,
      S3_ENDPOINT: s3info.endpoint,
      S3_REGION: s3info.region,
      S3_ACCESS_KEY_ID: s3info.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3info.secretAccessKey,
      S3_BUCKET_MEDIA: buckets.media,
      S3_BUCKET_THUMBNAILS: buckets.thumbnails,
      ...env,
      ...overrides,
    });
  /** Another replica on the same NATS and S3, with a cache of its own. */
  const startEdge = async (overrides: Record<string, string> = {}) => {
    const edge = await startStreaming(configFor(overrides));
    edges.push(edge);
    return { edge, base: `http://127.0.0.1:${edge.port}` };
  };
  const first = await startEdge();

  return {
    nats,
    nc,
    issuer,
    s3,
    buckets,
    edge: first.edge,
    base: first.base,
    startEdge,
    /** Stores a video the way ingest does and returns what catalogue would send. */
    async putMedia(body: Buffer = randomBytes(300_000), contentType = "video/mp4") {
      const mediaId = randomUUID();
      const media: Media = {
        media_id: mediaId,
        s3_key: `${mediaId}.mp4`,
        size_bytes: body.length,
        content_type: contentType,
      };
      await s3.send(
        new PutObjectCommand({
          Bucket: buckets.media,
          Key: media.s3_key,
          Body: body,
          ContentType: contentType,
        }),
      );
      return { media, body };
    },
    async deleteMedia(media: Media) {
      await s3.send(new DeleteObjectCommand({ Bucket: buckets.media, Key: media.s3_key }));
    },
    /** Asks for a stream token as catalogue does, for a viewer (a fresh one by default). */
    async issue(media: Media, accessToken?: string) {
      return request(nc, RPC.tokenIssue, media, {
        accessToken: accessToken ?? (await issuer.token()),
      });
    },
    async stop() {
      for (const edge of edges) await edge.close();
      await nc.close();
      s3.destroy();
      await nats.stop();
    },
  };
}

export type StreamingWorld = Awaited<ReturnType<typeof startStreamingWorld>>;
