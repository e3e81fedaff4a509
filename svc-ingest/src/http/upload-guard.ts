import { Transform, type TransformCallback } from "node:stream";
import type { AppError } from "@streamstack/contracts";
import { tooLarge } from "../domain/upload-form.ts";
import { assertContainerMatches, SNIFF_BYTES, type VideoFormat } from "../domain/video-format.ts";

/**
 * Sits between the request's file part and S3. It holds back the first bytes until the
 * container is recognised (415 otherwise) and counts every byte (413 past the limit).
 * The S3 upload sends nothing before a whole part (or the end) arrives, so a refusal here
 * always comes before anything is stored.
 */
/** Request body chunks are at most this big (one socket read). */
const SOCKET_CHUNK_BYTES = 64 * 1024;

export class UploadGuard extends Transform {
  bytes = 0;
  /** Why the guard stopped the stream, so callers can tell it from S3's follow-up errors. */
  failure: AppError | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;
  private checked = false;

  /**
   * `readAheadBytes` lets the request keep flowing while every S3 part slot is busy, so
   * the next part is ready when one frees (one more part of memory, no more). The
   * readable side hands on the request's own chunks one by one (object mode): a byte
   * stream would concatenate its whole buffer on every read, copying each byte once more
   * before the S3 upload cuts them into parts.
   */
  constructor(
    private readonly format: VideoFormat,
    private readonly maxBytes: number,
    readAheadBytes = 0,
  ) {
    super({
      readableObjectMode: true,
      readableHighWaterMark: Math.max(1, Math.ceil(readAheadBytes / SOCKET_CHUNK_BYTES)),
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return this.fail(tooLarge(this.maxBytes), done);
    if (this.checked) return done(null, chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) return done();
    this.releaseHead(done);
  }

  override _flush(done: TransformCallback) {
    if (this.checked) return done();
    this.releaseHead(done);
  }

  private releaseHead(done: TransformCallback) {
    const head = Buffer.concat(this.head);
    this.head = [];
    try {
      assertContainerMatches(this.format, head);
    } catch (err) {
      return this.fail(err as AppError, done);
    }
    this.checked = true;
    done(null, head);
  }

  private fail(err: AppError, done: TransformCallback) {
    this.failure = err;
    done(err);
  }
}
