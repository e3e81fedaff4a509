// The local S3 (s3rver with infra/src/s3rver-store.ts) under the concurrency the platform
// gives it: it must neither crash nor tear an object. As shipped, s3rver died on a PUT and a
// DELETE racing in one key prefix, which took every test on the run's shared s3rver with it.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type S3Server, startS3 } from "../src/procs/s3.ts";
import { eventually, s3ClientConfig } from "../src/testing/index.ts";

const BUCKET = "race";
let dir: string;
let server: S3Server;
let s3: S3Client;
/** Set when s3rver exits without being told to: the test's failure message. */
let crashed: string | undefined;
/** True while the test itself stops or kills it. */
let stopping = false;

async function start() {
  server = await startS3({ dataDir: join(dir, "s3"), buckets: [BUCKET], port: server?.port });
  crashed = undefined;
  const mine = server;
  void mine.exited.then((how) => {
    if (server === mine && !stopping) crashed = `s3rver exited: ${JSON.stringify(how)}`;
  });
  s3?.destroy();
  s3 = new S3Client({ ...s3ClientConfig(server), maxAttempts: 1 }); // a 500 must show
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "s3rver-test-"));
  await start();
});

// Each test on a live server, whatever the one before did to it.
beforeEach(async () => {
  if (crashed) await start();
});

afterAll(async () => {
  stopping = true;
  s3?.destroy();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const body = async (key: string) => {
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
};

/** A PUT that sends `first`, then waits for `release()` before sending the rest. */
function pausedPut(key: string, bytes: Buffer, first: number) {
  let release!: () => void;
  const done = new Promise<number>((resolve, reject) => {
    const req = request(`${server.endpoint}/${BUCKET}/${key}`, {
      method: "PUT",
      headers: { "content-length": bytes.length, "content-type": "application/octet-stream" },
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.write(bytes.subarray(0, first));
    release = () => req.end(bytes.subarray(first));
  });
  return { done, release: () => release() };
}

describe("the local S3 (s3rver, hardened)", () => {
  it("survives puts and deletes racing in one key prefix, and answers every one", async () => {
    const failures: string[] = [];
    const small = randomBytes(200);
    // 12 clients, each putting then deleting its own keys under one prefix, as tus part
    // journals do: the unpatched s3rver died within a few thousand of these.
    await Promise.all(
      Array.from({ length: 12 }, async (_, client) => {
        for (let i = 0; i < 400 && !crashed; i++) {
          const Key = `journal/${client}-${i}.json`;
          try {
            await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: small }));
            await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }));
          } catch (err) {
            failures.push(`${Key}: ${(err as Error).name} ${(err as Error).message}`);
          }
        }
      }),
    );
    expect(crashed).toBeUndefined();
    expect(failures.slice(0, 5)).toEqual([]);
  }, 120_000);

  it("replaces an object whole: a read mid-PUT sees the old bytes, a kill mid-PUT keeps them", async () => {
    const before = randomBytes(256 * 1024);
    const after = randomBytes(512 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "whole.bin", Body: before }));

    const put = pausedPut("whole.bin", after, 300 * 1024);
    await new Promise((r) => setTimeout(r, 300)); // the first 300 KiB are on the server
    expect((await body("whole.bin")).equals(before)).toBe(true);
    put.release();
    expect(await put.done).toBe(200);
    expect((await body("whole.bin")).equals(after)).toBe(true);

    // Killed while the next PUT is half in: the object is the last whole one, not a torn mix.
    const torn = pausedPut("whole.bin", randomBytes(512 * 1024), 300 * 1024);
    torn.done.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    stopping = true;
    process.kill(-server.pid, "SIGKILL");
    await server.exited;
    stopping = false;
    await start();
    expect((await body("whole.bin")).equals(after)).toBe(true);
  }, 60_000);

  it("answers InvalidPart for a part never uploaded, and NoSuchUpload for a part too late", async () => {
    const Key = "parts.bin";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
    const part = randomBytes(64 * 1024);
    const one = await s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 1, Body: part }),
    );
    const missing = s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: one.ETag },
            { PartNumber: 2, ETag: '"0"' },
          ],
        },
      }),
    );
    await expect(missing).rejects.toMatchObject({ name: "InvalidPart" });
    expect(crashed).toBeUndefined();

    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }] },
      }),
    );
    expect((await body(Key)).equals(part)).toBe(true);
    const late = s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 2, Body: part }),
    );
    await expect(late).rejects.toMatchObject({ name: "NoSuchUpload" });
    await eventually(() => crashed === undefined, "s3rver still up");
  });

  it("aborts a multipart upload: its parts leave the disk, and the upload is gone", async () => {
    const Key = `abort-${randomBytes(4).toString("hex")}.bin`;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
    const part = randomBytes(5 * 1024 * 1024);
    await s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 1, Body: part }),
    );
    const uploads = join(dir, "s3", "objects", BUCKET, "._S3rver_uploads");
    expect(await readdir(uploads)).toContain(UploadId);

    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }));
    expect(await readdir(uploads)).not.toContain(UploadId);
    const again = new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId });
    await expect(s3.send(again)).rejects.toMatchObject({ name: "NoSuchUpload" });
    const late = new UploadPartCommand({
      Bucket: BUCKET,
      Key,
      UploadId,
      PartNumber: 2,
      Body: part,
    });
    await expect(s3.send(late)).rejects.toMatchObject({ name: "NoSuchUpload" });
    const complete = new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key,
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0"' }] },
    });
    await expect(s3.send(complete)).rejects.toMatchObject({ name: "NoSuchUpload" });
    expect(crashed).toBeUndefined();
  });

  it("lists a prefix while keys in it come and go, and answers every listing", async () => {
    const small = randomBytes(100);
    const failures: string[] = [];
    let writing = true;
    let listings = 0;
    // Keys in folders of their own: a delete removes the key's file and then its empty
    // folder, both of which a listing's walk may have just read the name of.
    const writers = Array.from({ length: 8 }, async (_, client) => {
      for (let i = 0; i < 150 && !crashed; i++) {
        const Key = `sweep/${client}-${i % 3}/${i}.json`;
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: small }));
        await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }));
      }
    });
    const listers = Array.from({ length: 2 }, async () => {
      while (writing && !crashed) {
        try {
          await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "sweep/" }));
          listings++;
        } catch (err) {
          failures.push(`${(err as Error).name}: ${(err as Error).message}`);
        }
      }
    });
    await Promise.all(writers);
    writing = false;
    await Promise.all(listers);
    expect(crashed).toBeUndefined();
    expect(listings).toBeGreaterThan(50);
    expect(failures.slice(0, 5), `${failures.length} of ${listings + failures.length}`).toEqual([]);
  }, 120_000);
});
