import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { PartBuffers } from "./part-buffers.ts";

/** A part: the first `bytes` of a buffer from a PartBuffers pool, which it gives back. */
export interface Part {
  buffer: Buffer;
  bytes: number;
}

/** The part's bytes, without a copy. */
export const partData = (part: Part): Buffer => part.buffer.subarray(0, part.bytes);

/**
 * Cuts a stream into parts of exactly `partBytes` (the last may be shorter), copying
 * its chunks into the pool's buffers; a part's buffer is taken before its first byte is
 * read. `onPart` owns the part's buffer (it gives it back) and is awaited before more is
 * read, so a slow consumer holds the source back. A part left unfinished by a failing
 * source goes back to the pool.
 */
export async function forEachPart(
  body: AsyncIterable<Uint8Array>,
  pool: PartBuffers,
  onPart: (part: Part) => Promise<void>,
  partBytes = pool.partBytes,
): Promise<void> {
  let buffer: Buffer | undefined;
  let bytes = 0;
  const finish = async () => {
    const part = { buffer: buffer!, bytes };
    buffer = undefined;
    bytes = 0;
    await onPart(part);
  };
  try {
    for await (const chunk of body) {
      let rest = chunk;
      while (rest.length > 0) {
        buffer ??= await pool.take(partBytes);
        const take = Math.min(buffer.length - bytes, rest.length);
        buffer.set(take === rest.length ? rest : rest.subarray(0, take), bytes);
        bytes += take;
        rest = rest.subarray(take);
        if (bytes === buffer.length) await finish();
      }
    }
    if (buffer) await finish();
  } finally {
    if (buffer) pool.give(buffer);
  }
}

/**
 * Streams `body` into S3 as lib-storage's `Upload` does — one PutObject when it fits in
 * one part, else a multipart upload with `queueSize` parts in flight, aborted on any
 * failure — but with its part buffers drawn from `pool` and reused. lib-storage gathers
 * each part's chunks into a fresh part-sized Buffer: the page faults of that new memory
 * and the collections of the chunks, kept alive until their part was stored, were the
 * larger part of ingest's CPU per byte. A part is a Buffer, so the SDK sends it again
 * itself when its connection fails or S3 answers 5xx (it cannot resend a stream).
 * Memory: queueSize parts in flight plus the one being filled.
 */
export async function uploadInParts(
  s3: S3Client,
  target: { Bucket: string; Key: string; ContentType: string },
  body: AsyncIterable<Uint8Array>,
  opts: { pool: PartBuffers; queueSize: number },
): Promise<void> {
  const { pool } = opts;
  let uploadId: string | undefined;
  const done: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let pending: Part | undefined;
  let nextPartNumber = 1;

  const send = async (part: Part, PartNumber: number) => {
    try {
      const { ETag } = await s3.send(
        new UploadPartCommand({
          ...{ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, PartNumber },
          Body: partData(part),
        }),
      );
      done.push({ ETag, PartNumber });
    } finally {
      pool.give(part.buffer);
    }
  };
  /** Sends the part with a free slot; the part is given back whatever happens. */
  const start = async (part: Part) => {
    try {
      uploadId ??= (await s3.send(new CreateMultipartUploadCommand(target))).UploadId;
      while (inFlight.size >= opts.queueSize) await Promise.race(inFlight);
      if (failure) throw failure;
    } catch (err) {
      pool.give(part.buffer);
      throw err;
    }
    const sent = send(part, nextPartNumber++).catch((err) => {
      failure ??= err;
    });
    const tracked = sent.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  /** Starts the part held back, if any; the newest part (if given) is held back instead. */
  const startPending = async (newest?: Part) => {
    const part = pending;
    pending = newest; // given back by the catch below if starting `part` fails
    if (part) await start(part);
  };

  try {
    // The first part is held back until the next begins: a body that ends within it is a
    // single PutObject, as with lib-storage.
    await forEachPart(body, pool, async (part) => {
      if (!uploadId && !pending) {
        pending = part;
        return;
      }
      await startPending(part);
      pending = undefined;
      await start(part);
    });
    if (!uploadId) {
      const only = pending;
      pending = undefined;
      try {
        const Body = only ? partData(only) : Buffer.alloc(0);
        await s3.send(new PutObjectCommand({ ...target, Body }));
      } finally {
        if (only) pool.give(only.buffer);
      }
      return;
    }
    await startPending();
    await Promise.all(inFlight);
    if (failure) throw failure;
    done.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await s3.send(
      new CompleteMultipartUploadCommand({
        ...{ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId },
        MultipartUpload: { Parts: done },
      }),
    );
  } catch (err) {
    if (pending) pool.give(pending.buffer);
    pending = undefined;
    await Promise.allSettled(inFlight);
    if (uploadId) {
      await s3
        .send(
          new AbortMultipartUploadCommand({
            ...{ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId },
          }),
        )
        .catch(() => undefined); // best effort: unfinished parts are invisible to readers
    }
    throw failure ?? err;
  }
}
