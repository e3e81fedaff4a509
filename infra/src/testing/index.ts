// Helpers for integration tests (files under */test/). They need the integration project's
// globalSetup, which provides the shared Postgres and S3.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { inject } from "vitest";
import { startNats } from "../procs/nats.ts";
import { createDatabase } from "../procs/postgres.ts";
import type { S3Info } from "../procs/s3.ts";

const suffix = () => randomBytes(4).toString("hex");

export interface TestNats {
  url: string;
  monitorUrl: string;
  stop(): Promise<void>;
}

/** A fresh nats-server with JetStream on free ports in its own temp dir (~30 ms). */
export async function startTestNats(options: { config?: string } = {}): Promise<TestNats> {
  const dataDir = await mkdtemp(join(tmpdir(), "streamstack-nats-"));
  const nats = await startNats({ dataDir, port: 0, monitorPort: 0, ...options }).catch(
    async (err: unknown) => {
      await rm(dataDir, { recursive: true, force: true });
      throw err;
    },
  );
  return {
    url: nats.url,
    monitorUrl: nats.monitorUrl,
    stop: async () => {
      await nats.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A new, uniquely named database on the shared test Postgres; returns its URL. */
export function createTestDatabase(prefix = "test"): Promise<string> {
  return createDatabase(inject("postgresUrl"), `${prefix}_${suffix()}`);
}

/**
 * S3 client settings that s3rver needs: path-style, and checksums only when required (else
 * the aws-chunked framing is stored inside the object and the size is silently wrong).
 */
export function s3ClientConfig(s3: S3Info): S3ClientConfig {
  return {
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}

export interface TestS3 extends S3Info {
  clientConfig: S3ClientConfig;
  /** Buckets named media-<rand> and thumbnails-<rand>, so test files never share objects. */
  createTestBuckets(): Promise<{ media: string; thumbnails: string }>;
}

/** The shared test S3 (s3rver). */
export function testS3(): TestS3 {
  const s3 = inject("s3");
  const clientConfig = s3ClientConfig(s3);
  return {
    ...s3,
    clientConfig,
    async createTestBuckets() {
      const id = suffix();
      const buckets = { media: `media-${id}`, thumbnails: `thumbnails-${id}` };
      const client = new S3Client(clientConfig);
      try {
        for (const Bucket of Object.values(buckets))
          await client.send(new CreateBucketCommand({ Bucket }));
      } finally {
        client.destroy();
      }
      return buckets;
    },
  };
}

export { eventually } from "./eventually.ts";
export {
  absurdRange,
  almost,
  badPercentEncoding,
  expectDocumented,
  forgedAccessTokens,
  garbagePayload,
  hostileQueryValue,
  hostileText,
  hugeText,
  INVALID_UTF8,
  invalidUtf8Bytes,
  percentEncode,
  type RawAnswer,
  type RawReply,
  requestRaw,
  sendRaw,
  sqlMeta,
  traversal,
} from "./hostile.ts";
export { createTestIssuer, type TestIssuer } from "./issuer.ts";
export { makeMp4, makePaddedMp4 } from "./media.ts";
export { login, type RawUploadOutcome, rawMultipartUpload } from "./platform.ts";
export {
  type Restartable,
  startTestStack,
  type TestService,
  type TestStack,
  type TestStackOptions,
} from "./stack.ts";
