import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { isDependencyOutage } from "@streamstack/contracts/server";

/** A part as it arrived: the body's own chunks, never copied into one buffer. */
export interface ChunkedPart {
  chunks: Uint8Array[];
  bytes: number;
}

/**
 * Cuts a stream into parts of exactly `partBytes` (the last may be shorter) without
 * copying a byte: a part is a list of the stream's chunks (or views of them). `onPart`
 * is awaited before more is read, so a slow consumer holds the source back.
 */
export async function forEachPart(
  body: AsyncIterable<Uint8Array>,
  partBytes: number,
  onPart: (part: ChunkedPart) => Promise<void>,
): Promise<void> {
  let part: ChunkedPart = { chunks: [], bytes: 0 };
  for await (const chunk of body) {
    let rest = chunk;
    while (rest.length > 0) {
      const take = Math.min(partBytes - part.bytes, rest.length);
      part.chunks.push(take === rest.length ? rest : rest.subarray(0, take));
      part.bytes += take;
      rest = rest.subarray(take);
      if (part.bytes === partBytes) {
        await onPart(part);
        part = { chunks: [], bytes: 0 };
      }
    }
  }
  if (part.bytes > 0) await onPart(part);
}

/** The part as a request body: its chunks in order (S3 gets the length up front). */
export function partBody(part: ChunkedPart): Readable {
  return Readable.from(part.chunks);
}

/** Waits before the 2nd and 3rd attempt of a part whose connection failed. */
export const PART_RETRY_DELAYS_MS = [200, 1_000] as const;

/**
 * Sends a part again, with a fresh body, when the connection failed or S3 answered 5xx.
 * The SDK never retries a streamed body (it cannot rewind it), but a part held as its
 * chunks can be sent anew. Under 20 concurrent uploads s3rver now and then resets a
 * pooled connection; before this, one reset failed a whole upload with 503. A real
 * outage still fails, after the last attempt (about 1.2 s later).
 */
export async function sendPartAgainOnFault<T>(
  send: () => Promise<T>,
  delaysMs: readonly number[] = PART_RETRY_DELAYS_MS,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const delay = delaysMs[attempt];
      if (delay === undefined || !isDependencyOutage(err)) throw err;
      await sleep(delay);
    }
  }
}

/**
 * Streams `body` into S3 as lib-storage's `Upload` does — one PutObject when it fits in
 * one part, else a multipart upload with `queueSize` parts in flight, aborted on any
 * failure — but sends each part as the chunks it arrived in. lib-storage concatenates
 * them into a fresh part-sized Buffer: that copy, the page faults of the new memory and
 * the garbage collections it set off were about a third of ingest's CPU per byte.
 * Memory: queueSize parts in flight plus the one being filled.
 */
export async function uploadInParts(
  s3: S3Client,
  target: { Bucket: string; Key: string; ContentType: string },
  body: AsyncIterable<Uint8Array>,
  opts: { partBytes: number; queueSize: number },
): Promise<void> {
  let uploadId: string | undefined;
  const done: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let pending: ChunkedPart | undefined;
  let nextPartNumber = 1;

  const send = async (part: ChunkedPart, PartNumber: number) => {
    const { ETag } = await sendPartAgainOnFault(() =>
      s3.send(
        new UploadPartCommand({
          ...{ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, PartNumber },
          Body: partBody(part),
          ContentLength: part.bytes,
        }),
      ),
    );
    done.push({ ETag, PartNumber });
  };
  const start = async (part: ChunkedPart) => {
    uploadId ??= (await s3.send(new CreateMultipartUploadCommand(target))).UploadId;
    while (inFlight.size >= opts.queueSize) await Promise.race(inFlight);
    if (failure) throw failure;
    const sent = send(part, nextPartNumber++).catch((err) => {
      failure ??= err;
    });
    const tracked = sent.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  try {
    // One part is held back until the next begins: a body that ends within its first
    // part is a single PutObject, as with lib-storage.
    await forEachPart(body, opts.partBytes, async (part) => {
      if (!uploadId && !pending) {
        pending = part;
        return;
      }
      if (pending) await start(pending);
      pending = undefined;
      await start(part);
    });
    if (!uploadId) {
      const only = pending ?? { chunks: [], bytes: 0 };
      await sendPartAgainOnFault(() =>
        s3.send(
          new PutObjectCommand({ ...target, Body: partBody(only), ContentLength: only.bytes }),
        ),
      );
      return;
    }
    if (pending) await start(pending);
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
