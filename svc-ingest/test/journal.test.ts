import { randomUUID } from "node:crypto";
import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { eventually, testS3 } from "@streamstack/infra";
import { Upload } from "@tus/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JournaledS3Store, TUS_JOURNAL_PREFIX } from "../src/tus/journaled-store.ts";

const MiB = 1024 * 1024;
const PART = 5 * MiB;

/**
 * The tus store's part journal against the real S3 server: written on a timer while a
 * PATCH runs (not once a part), whole before the PATCH answers, and gone for good once
 * the upload finishes.
 */
describe("JournaledS3Store's part journal", () => {
  let s3: S3Client;
  let info: ReturnType<typeof testS3>;
  let bucket: string;
  let journalWrites = 0;
  /** Holds each journal write this long before sending it (a slow S3). */
  let journalDelayMs = 0;
  /** What each part's request says of its body's SHA-256, as signed. */
  const partPayloadHashes: string[] = [];

  beforeAll(async () => {
    info = testS3();
    bucket = (await info.createTestBuckets()).media;
    s3 = new S3Client(info.clientConfig);
  });
  afterAll(() => s3?.destroy());

  /** A store on the test bucket whose journal writes are counted (and can be held). */
  function storeWith(journalEveryMs: number) {
    const store = new JournaledS3Store({
      s3ClientConfig: { ...info.clientConfig, bucket },
      partSize: PART,
      maxConcurrentPartUploads: 4,
      useTags: false,
      journalEveryMs,
    });
    store["client"].middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: string }).Key ?? "";
        if (context.commandName === "PutObjectCommand" && key.startsWith(TUS_JOURNAL_PREFIX)) {
          journalWrites++;
          if (journalDelayMs) await sleep(journalDelayMs);
        }
        return next(args);
      },
      { step: "initialize" },
    );
    store["client"].middlewareStack.add(
      (next, context) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        if (context.commandName === "UploadPartCommand") {
          partPayloadHashes.push(headers["x-amz-content-sha256"] ?? "");
        }
        return next(args);
      },
      { step: "finalizeRequest" },
    );
    return store;
  }

  async function newUpload(store: JournaledS3Store, size: number) {
    const id = `${randomUUID()}.mp4`;
    await store.create(new Upload({ id, size, offset: 0, metadata: { contentType: "video/mp4" } }));
    return id;
  }

  /** The journal as S3 holds it (what a resume on any replica would read). */
  async function journalInS3(id: string): Promise<number[] | undefined> {
    try {
      const res = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: `${TUS_JOURNAL_PREFIX}${id}.json` }),
      );
      const { parts } = JSON.parse(await res.Body!.transformToString()) as {
        parts: { PartNumber: number }[];
      };
      return parts.map((p) => p.PartNumber).sort((a, b) => a - b);
    } catch (err) {
      if ((err as { name?: string }).name === "NoSuchKey") return undefined;
      throw err;
    }
  }

  it("writes the journal as a PATCH starts and, whole, before it answers: not once a part", async () => {
    const store = storeWith(10 * 60_000); // no timer write within this test
    const id = await newUpload(store, 14 * PART);
    journalWrites = 0;
    expect(await store.write(bodyOf(Buffer.alloc(12 * PART, 7)), id, 0)).toBe(12 * PART);
    expect(journalWrites).toBe(2); // 13 when every part wrote it
    expect(await journalInS3(id)).toEqual([...Array(12).keys()].map((i) => i + 1));
    expect((await store.getUpload(id)).offset).toBe(12 * PART);
  });

  it("signs its parts without hashing them (a SHA-256 of each cost 1.5 CPU-s per GiB)", async () => {
    const store = storeWith(200);
    const id = await newUpload(store, 3 * PART);
    partPayloadHashes.length = 0;
    expect(await store.write(bodyOf(Buffer.alloc(2 * PART, 5)), id, 0)).toBe(2 * PART);
    expect(partPayloadHashes).toEqual(["UNSIGNED-PAYLOAD", "UNSIGNED-PAYLOAD"]);
  });

  it("journals what S3 stored while a PATCH stalls, before the PATCH ends", async () => {
    const store = storeWith(200);
    const id = await newUpload(store, 8 * PART);
    const src = new PassThrough();
    const writing = store.write(src, id, 0);
    src.write(Buffer.alloc(3 * PART + MiB, 1)); // three whole parts, then the client stalls
    // Were ingest to die now, a resume would find those three parts and send only the rest.
    await eventually(
      // s3rver overwrites an object in place: a read during the timer's write may be torn.
      async () => (await journalInS3(id).catch(() => undefined))?.length === 3,
      "the stalled PATCH's parts in the journal",
      30_000,
    );
    src.end(Buffer.alloc(4 * PART - MiB, 2));
    expect(await writing).toBe(7 * PART);
    expect(await journalInS3(id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("leaves no journal once the upload finishes, not even a late write", async () => {
    const store = storeWith(200);
    const id = await newUpload(store, 3 * PART);
    expect(await store.write(bodyOf(Buffer.alloc(3 * PART, 3)), id, 0)).toBe(3 * PART);
    await sleep(1_000); // five timer periods
    expect(await journalInS3(id)).toBeUndefined();
  });

  it("lets a journal write still running finish before a finished upload's journal is deleted", async () => {
    const store = storeWith(200);
    const id = await newUpload(store, 3 * PART);
    const src = new PassThrough();
    journalWrites = 0;
    const writing = store.write(src, id, 0);
    try {
      src.write(Buffer.alloc(2 * PART, 4));
      await eventually(() => journalWrites >= 1, "the PATCH's first journal write");
      journalDelayMs = 1_500;
      // The timer's write of parts 1–2 has started and is held; now the upload completes.
      await eventually(() => journalWrites >= 2, "the timer's journal write", 30_000);
      src.end(Buffer.alloc(PART, 5));
      expect(await writing).toBe(3 * PART);
    } finally {
      journalDelayMs = 0;
    }
    await sleep(2_000); // past the held write, had it been left running
    expect(await journalInS3(id)).toBeUndefined();
  });

  it("starts an upload over when its journal was torn (s3rver killed mid-write): no 500, same bytes", async () => {
    const store = storeWith(200);
    const size = 3 * PART;
    const bytes = Buffer.concat([0, 1, 2].map((i) => Buffer.alloc(PART, 10 + i)));
    const id = await newUpload(store, size);
    // Two parts stored and a short leftover (.part) from a PATCH cut mid-way…
    expect(await store.write(bodyOf(bytes.subarray(0, 2 * PART + MiB)), id, 0)).toBe(
      2 * PART + MiB,
    );
    expect((await store.getUpload(id)).offset).toBe(2 * PART + MiB);
    // …then the journal is cut short, as s3rver leaves an object it was killed writing.
    const whole = JSON.stringify({ parts: [{ PartNumber: 1, ETag: '"x"', Size: PART }] });
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${TUS_JOURNAL_PREFIX}${id}.json`,
        Body: whole.slice(0, 17),
      }),
    );

    const fresh = storeWith(200); // another replica, or this one restarted: nothing cached
    expect((await fresh.getUpload(id)).offset).toBe(0);
    expect(await fresh.write(bodyOf(bytes), id, 0)).toBe(size);
    const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: id }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(bytes)).toBe(true);
  });
});

/** A request body as the socket delivers it: 64 KiB chunks. */
function bodyOf(bytes: Buffer): PassThrough {
  const src = new PassThrough();
  for (let at = 0; at < bytes.length; at += 64 * 1024)
    src.write(bytes.subarray(at, at + 64 * 1024));
  src.end();
  return src;
}
