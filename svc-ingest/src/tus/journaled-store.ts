import type { ReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { Part as StoredPart } from "@aws-sdk/client-s3";
import { type MetadataValue, type Options, S3Store } from "@tus/s3-store";
import { ERRORS } from "@tus/utils";
import { PartBuffers } from "../s3/part-buffers.ts";
import { forEachPart, type Part, partData } from "../s3/part-upload.ts";
import { signWithoutPayloadHash } from "../s3/unsigned-payload.ts";

/** Where the part journals of unfinished tus uploads live (one small JSON each). */
export const TUS_JOURNAL_PREFIX = "_ingest/tus/";

interface JournalPart {
  PartNumber: number;
  ETag: string;
  Size: number;
}

/**
 * How long a part S3 has stored may wait to be journaled while its PATCH runs (default).
 * Each journal write is a request the S3 server must serve: once per part (8 MiB) that
 * was 4% of s3rver's CPU per uploaded GiB. The PATCH's end always writes the journal.
 */
export const JOURNAL_EVERY_MS = 1_000;

/** The journal of an upload whose PATCH runs in this process (under the upload's lock). */
interface ActiveJournal {
  parts: JournalPart[];
  /** Parts recorded since the last write. */
  dirty: boolean;
  timer: NodeJS.Timeout | undefined;
  /** The last write started; writes go in turn. */
  writing: Promise<void>;
}

/** S3 errors meaning "this server does not do that" (s3rver) or "already gone". */
const IGNORABLE_ABORT = new Set(["MethodNotAllowed", "NotImplemented", "NoSuchUpload", "NotFound"]);

/**
 * `@tus/s3-store` that keeps its own journal of uploaded parts instead of asking S3
 * (ListParts), and finds expired uploads from those journals instead of
 * ListMultipartUploads. The local S3 server (s3rver) implements neither, nor
 * AbortMultipartUpload; MinIO and AWS work the same way with the journal.
 *
 * While a PATCH runs here, under the upload's lock, its journal in memory is the truth;
 * it is written to S3 at most every `journalEveryMs` and before the PATCH answers.
 * So the journal may lag S3 (by the parts of the last second, if ingest dies), never
 * lead it: a resumed upload then re-sends those parts, which S3 overwrites. Only the
 * unbroken run of parts from 1 counts. A missing journal means finished.
 */
export class JournaledS3Store extends S3Store {
  private readonly active = new Map<string, ActiveJournal>();
  private readonly journalEveryMs: number;
  /** Every part in flight, of all uploads, is one of these buffers. */
  private readonly buffers: PartBuffers;
  /** Hears how many bytes each PATCH brought (also one the client broke off). */
  onReceived: ((bytes: number) => void) | undefined;

  constructor(options: Options & { journalEveryMs?: number }) {
    super(options);
    this.journalEveryMs = options.journalEveryMs ?? JOURNAL_EVERY_MS;
    // Parts are Buffers now, which the SDK would otherwise hash for the signature.
    signWithoutPayloadHash(this.client);
    const inFlight = options.maxConcurrentPartUploads ?? 60; // the library's default
    this.buffers = new PartBuffers(this.preferredPartSize, {
      keepSpare: inFlight,
      limit: inFlight,
    });
  }

  journalKey(id: string) {
    return `${TUS_JOURNAL_PREFIX}${id}.json`;
  }

  override async create(upload: Parameters<S3Store["create"]>[0]) {
    const created = await super.create(upload);
    await this.saveJournal(upload.id, []);
    return created;
  }

  override async write(src: Readable, id: string, offset: number): Promise<number> {
    // Drop parts past a gap and mark the upload as active (expiry counts from here).
    const loaded = await this.loadJournal(id);
    if (!loaded) return super.write(src, id, offset); // finished: the library says so
    const parts = unbrokenRun(loaded);
    await this.saveJournal(id, parts);
    const journal: ActiveJournal = {
      parts,
      dirty: false,
      timer: undefined,
      writing: Promise.resolve(),
    };
    this.active.set(id, journal);
    try {
      const end = await super.write(src, id, offset);
      // Before the answer: a HEAD, here or on another replica, must see this offset.
      await this.flushJournal(journal, id);
      this.onReceived?.(end - offset);
      return end;
    } catch (err) {
      await this.flushJournal(journal, id).catch(() => undefined); // keep what S3 stored
      throw err;
    } finally {
      if (this.active.get(id) === journal) await this.forget(id);
    }
  }

  protected override async uploadPart(
    metadata: MetadataValue,
    body: ReadStream | Readable | Buffer,
    partNumber: number,
  ): Promise<string> {
    const size = Buffer.isBuffer(body) ? body.length : (await stat((body as ReadStream).path)).size;
    const etag = await super.uploadPart(metadata, body, partNumber);
    this.recordPart(metadata.file.id, { PartNumber: partNumber, ETag: etag, Size: size });
    return etag;
  }

  /**
   * Replaces the library's part splitter, which stages every part in a temp file and
   * reads it back (a third of ingest's CPU per tus byte went to those file writes and
   * reads): a part is copied into a buffer from the store's pool as it arrives and held
   * in memory until S3 has it — no disk. The pool lends at most
   * `maxConcurrentPartUploads` buffers at once to all uploads together, and a part's
   * buffer is taken before its first byte is read, so memory stays within that many
   * parts. As before: a short part that is not the last is stored as the "incomplete
   * part" for the next PATCH; on a read error the unfinished part is dropped, and the
   * call returns only once every part it started is settled.
   */
  protected override async uploadParts(
    metadata: MetadataValue,
    src: Readable,
    firstPartNumber: number,
    offset: number,
  ): Promise<number> {
    const size = metadata.file.size;
    const running: Promise<void>[] = [];
    let partNumber = firstPartNumber;
    let uploaded = 0;
    let failure: unknown;

    const ship = (part: Part) => {
      const number = partNumber++;
      offset += part.bytes;
      const whole = part.bytes >= this.minPartSize || size === offset;
      // The buffer goes back once S3 has the bytes, not after the journal write that
      // follows, so the next part can start meanwhile.
      let stored = false;
      const giveBack = () => {
        if (stored) return;
        stored = true;
        this.buffers.give(part.buffer);
      };
      const sent = (async () => {
        try {
          if (whole) await this.sendPart(metadata, { ...part, number }, giveBack);
          else await this.uploadIncompletePart(metadata.file.id, asBody(partData(part)));
          uploaded += part.bytes;
        } catch (err) {
          failure ??= err;
          src.destroy(err as Error);
        } finally {
          giveBack();
        }
      })();
      running.push(sent);
    };

    try {
      const partBytes = this.calcOptimalPartSize(size);
      await forEachPart(src, this.buffers, async (part) => ship(part), partBytes);
    } catch (err) {
      failure ??= err;
    } finally {
      await Promise.allSettled(running);
    }
    if (failure) throw failure;
    return uploaded;
  }

  /** Uploads one part (the SDK sends a Buffer again on a connection fault), then journals it. */
  private async sendPart(
    metadata: MetadataValue,
    part: Part & { number: number },
    stored: () => void,
  ) {
    const { ETag } = await this.client.uploadPart({
      Bucket: this.bucket,
      Key: metadata.file.id,
      UploadId: metadata["upload-id"],
      PartNumber: part.number,
      Body: partData(part),
    });
    stored(); // gives the buffer back
    this.recordPart(metadata.file.id, {
      PartNumber: part.number,
      ETag: ETag ?? "",
      Size: part.bytes,
    });
  }

  protected override async retrieveParts(id: string): Promise<Array<StoredPart>> {
    const active = this.active.get(id);
    if (active) return unbrokenRun(active.parts);
    const journal = await this.loadJournal(id);
    if (!journal) {
      throw Object.assign(new Error(`upload ${id} is finished`), { name: "NoSuchUpload" });
    }
    return unbrokenRun(journal);
  }

  protected override async finishMultipartUpload(
    metadata: MetadataValue,
    parts: Array<StoredPart>,
  ) {
    const location = await super.finishMultipartUpload(metadata, parts);
    await this.forget(metadata.file.id);
    await this.deleteKeys([this.journalKey(metadata.file.id)]);
    return location;
  }

  /** Removes an upload whatever its state: parts, file, `.info`, `.part`, journal. */
  override async remove(id: string): Promise<void> {
    let uploadId: string | undefined;
    try {
      uploadId = (await this.getMetadata(id))["upload-id"];
    } catch {
      throw ERRORS.FILE_NOT_FOUND;
    }
    if (uploadId) {
      await this.client
        .abortMultipartUpload({ Bucket: this.bucket, Key: id, UploadId: uploadId })
        .catch((err: { name?: string }) => {
          if (!IGNORABLE_ABORT.has(err.name ?? "")) throw err;
        });
    }
    await this.forget(id);
    await this.deleteKeys([id, this.infoKey(id), this.partKey(id, true), this.journalKey(id)]);
    await this.clearCache(id);
  }

  /** Removes unfinished uploads whose journal was last written longer ago than the expiry. */
  override async deleteExpired(): Promise<number> {
    const expiry = this.getExpiration();
    if (expiry === 0) return 0;
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await this.client.listObjectsV2({
        Bucket: this.bucket,
        Prefix: TUS_JOURNAL_PREFIX,
        ContinuationToken: token,
      });
      for (const o of page.Contents ?? []) {
        if (!o.Key || (o.LastModified?.getTime() ?? 0) + expiry > Date.now()) continue;
        const id = o.Key.slice(TUS_JOURNAL_PREFIX.length, -".json".length);
        await this.remove(id).catch(() => this.deleteKeys([o.Key!]));
        removed++;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return removed;
  }

  /**
   * Stops journaling an upload here (finished or removed): no write may start after
   * this, and it resolves once a write already running is done, so a journal deleted
   * next stays deleted.
   */
  private async forget(id: string): Promise<void> {
    const journal = this.active.get(id);
    if (!journal) return;
    this.active.delete(id);
    clearTimeout(journal.timer);
    await journal.writing.catch(() => undefined);
  }

  /** Notes a part S3 has stored; the journal is written within `journalEveryMs`. */
  private recordPart(id: string, part: JournalPart) {
    const journal = this.active.get(id);
    if (!journal) return; // finished or removed meanwhile: nothing left to resume
    journal.parts = [...journal.parts.filter((p) => p.PartNumber !== part.PartNumber), part];
    journal.dirty = true;
    journal.timer ??= setTimeout(() => {
      // A failed write stays dirty; the next one (at the latest the PATCH's end) retries.
      this.flushJournal(journal, id).catch(() => undefined);
    }, this.journalEveryMs).unref();
  }

  /** Writes the parts recorded since the last write, after any write still running. */
  private flushJournal(journal: ActiveJournal, id: string): Promise<void> {
    clearTimeout(journal.timer);
    journal.timer = undefined;
    journal.writing = journal.writing
      .catch(() => undefined)
      .then(async () => {
        // Not after the upload finished (its journal is deleted) or was removed.
        if (!journal.dirty || this.active.get(id) !== journal) return;
        const { parts } = journal;
        journal.dirty = false;
        await this.saveJournal(id, parts).catch((err) => {
          journal.dirty = true;
          throw err;
        });
      });
    return journal.writing;
  }

  private async loadJournal(id: string): Promise<JournalPart[] | undefined> {
    let text: string;
    try {
      const res = await this.client.getObject({ Bucket: this.bucket, Key: this.journalKey(id) });
      text = (await res.Body?.transformToString()) ?? "";
    } catch (err) {
      if ((err as { name?: string }).name === "NoSuchKey") return undefined;
      throw err;
    }
    const parts = parseJournal(text);
    if (parts) return parts;
    // Torn: s3rver writes an object in place, and one killed mid-write leaves the journal
    // cut short (S3 and MinIO write atomically). Which parts S3 holds is then unknown, so
    // the upload starts over: HEAD answers offset 0, the client sends from its first byte
    // again and S3 overwrites the parts it had. The leftover short part goes too, or it
    // would be taken for the upload's first bytes.
    await this.deleteKeys([this.partKey(id, true)]);
    await this.saveJournal(id, []);
    return [];
  }

  private async saveJournal(id: string, parts: JournalPart[]) {
    await this.client.putObject({
      Bucket: this.bucket,
      Key: this.journalKey(id),
      Body: JSON.stringify({ parts }),
      ContentType: "application/json",
    });
  }

  private async deleteKeys(keys: string[]) {
    await Promise.all(keys.map((Key) => this.client.deleteObject({ Bucket: this.bucket, Key })));
  }
}

/** The library types the incomplete part as a stream; its putObject takes a Buffer too. */
function asBody(data: Buffer): Readable {
  return data as unknown as Readable;
}

/** A journal's parts, or undefined when the text is not a whole journal (torn, garbled). */
export function parseJournal(text: string): JournalPart[] | undefined {
  let parts: unknown;
  try {
    parts = (JSON.parse(text) as { parts?: unknown } | null)?.parts;
  } catch {
    return undefined;
  }
  const isPart = (p: unknown): p is JournalPart =>
    typeof p === "object" &&
    p !== null &&
    Number.isInteger((p as JournalPart).PartNumber) &&
    typeof (p as JournalPart).ETag === "string" &&
    Number.isInteger((p as JournalPart).Size);
  return Array.isArray(parts) && parts.every(isPart) ? parts : undefined;
}

/** The parts numbered 1, 2, 3, … without a gap: only those hold the upload's first bytes. */
export function unbrokenRun(parts: JournalPart[]): JournalPart[] {
  const run: JournalPart[] = [];
  for (const p of [...parts].sort((a, b) => a.PartNumber - b.PartNumber)) {
    if (p.PartNumber !== run.length + 1) break;
    run.push(p);
  }
  return run;
}
