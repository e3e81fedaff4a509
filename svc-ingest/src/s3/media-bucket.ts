import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { PartBuffers } from "./part-buffers.ts";
import { uploadInParts } from "./part-upload.ts";

export interface StoredObject {
  key: string;
  lastModified: Date;
}

/** The media bucket as ingest uses it: streamed writes, sizes, small JSON notes. */
export interface MediaBucket {
  readonly name: string;
  /**
   * Streams `body` into an S3 multipart upload (single PUT when it is small), see
   * uploadInParts. Memory is bounded by partBytes × (queueSize + 1) per upload, in
   * buffers the uploads share and reuse; on failure the multipart upload is aborted.
   */
  putStream(key: string, body: Readable, contentType: string): Promise<void>;
  /** The stored size, from HeadObject. */
  sizeOf(key: string): Promise<number>;
  /** The first `n` bytes (a ranged GET with an absolute range: ENVIRONMENT.md). */
  readHead(key: string, n: number): Promise<Buffer>;
  list(prefix: string): Promise<StoredObject[]>;
  /** Deletes keys; missing ones are fine (S3 DeleteObject is idempotent). */
  remove(...keys: string[]): Promise<void>;
  putJson(key: string, value: unknown): Promise<void>;
  /** undefined when the key does not exist. */
  getJson(key: string): Promise<unknown>;
}

export function mediaBucket(
  s3: S3Client,
  bucket: string,
  opts: { partBytes: number; queueSize: number },
): MediaBucket {
  // Spares for one upload's worth of parts: a busy ingest reuses them, an idle one has none.
  const pool = new PartBuffers(opts.partBytes, { keepSpare: opts.queueSize + 1 });
  return {
    name: bucket,
    async putStream(key, body, contentType) {
      await uploadInParts(s3, { Bucket: bucket, Key: key, ContentType: contentType }, body, {
        pool,
        queueSize: opts.queueSize,
      });
    },
    async sizeOf(key) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return head.ContentLength ?? 0;
    },
    async readHead(key, n) {
      const res = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${n - 1}` }),
      );
      return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
    },
    async list(prefix) {
      const found: StoredObject[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key) found.push({ key: o.Key, lastModified: o.LastModified ?? new Date(0) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return found;
    },
    async remove(...keys) {
      await Promise.all(
        keys.map((Key) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }))),
      );
    },
    async putJson(key, value) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: JSON.stringify(value),
          ContentType: "application/json",
        }),
      );
    },
    async getJson(key) {
      try {
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse((await res.Body?.transformToString()) ?? "null");
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
  };
}

export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}
