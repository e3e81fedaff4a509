import type { ReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { Part } from "@aws-sdk/client-s3";
import { type MetadataValue, S3Store } from "@tus/s3-store";
import { ERRORS } from "@tus/utils";

/** Where the part journals of unfinished tus uploads live (one small JSON each). */
export const TUS_JOURNAL_PREFIX = "_ingest/tus/";

interface JournalPart {
  PartNumber: number;
  ETag: string;
  Size: number;
}

/** S3 errors meaning "this server does not do that" (s3rver) or "already gone". */
const IGNORABLE_ABORT = new Set(["MethodNotAllowed", "NotImplemented", "NoSuchUpload", "NotFound"]);

/**
 * `@tus/s3-store` that keeps its own journal of uploaded parts instead of asking S3
 * (ListParts), and finds expired uploads from those journals instead of
 * ListMultipartUploads. The local S3 server (s3rver) implements neither, nor
 * AbortMultipartUpload; MinIO and AWS work the same way with the journal.
 *
 * The journal is written after each part is stored, so it may lag S3 by one part,
 * never lead it: a resumed upload then re-sends that part, which S3 overwrites.
 * Only the unbroken run of parts from 1 counts. A missing journal means finished.
 */
export class JournaledS3Store extends S3Store {
  private readonly journals = new Map<string, JournalPart[]>();
  private readonly saving = new Map<string, Promise<unknown>>();
  /** Hears how many bytes each PATCH brought (also one the client broke off). */
  onReceived: ((bytes: number) => void) | undefined;

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
    const journal = await this.loadJournal(id);
    if (journal) await this.saveJournal(id, unbrokenRun(journal));
    const end = await super.write(src, id, offset);
    this.onReceived?.(end - offset);
    return end;
  }

  protected override async uploadPart(
    metadata: MetadataValue,
    body: ReadStream | Readable | Buffer,
    partNumber: number,
  ): Promise<string> {
    const size = Buffer.isBuffer(body) ? body.length : (await stat((body as ReadStream).path)).size;
    const etag = await super.uploadPart(metadata, body, partNumber);
    await this.recordPart(metadata.file.id, { PartNumber: partNumber, ETag: etag, Size: size });
    return etag;
  }

  protected override async retrieveParts(id: string): Promise<Array<Part>> {
    const journal = await this.loadJournal(id);
    if (!journal) {
      throw Object.assign(new Error(`upload ${id} is finished`), { name: "NoSuchUpload" });
    }
    this.journals.set(id, journal);
    return unbrokenRun(journal);
  }

  protected override async finishMultipartUpload(metadata: MetadataValue, parts: Array<Part>) {
    const location = await super.finishMultipartUpload(metadata, parts);
    await this.deleteKeys([this.journalKey(metadata.file.id)]);
    this.forget(metadata.file.id);
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
    await this.deleteKeys([id, this.infoKey(id), this.partKey(id, true), this.journalKey(id)]);
    await this.clearCache(id);
    this.forget(id);
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

  private forget(id: string) {
    this.journals.delete(id);
    this.saving.delete(id);
  }

  private async recordPart(id: string, part: JournalPart) {
    // Parts of one PATCH finish concurrently: journal writes for an upload go in turn.
    const next = (this.saving.get(id) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        const parts = (this.journals.get(id) ?? []).filter((p) => p.PartNumber !== part.PartNumber);
        parts.push(part);
        this.journals.set(id, parts);
        return this.saveJournal(id, parts);
      });
    this.saving.set(id, next);
    await next;
  }

  private async loadJournal(id: string): Promise<JournalPart[] | undefined> {
    try {
      const res = await this.client.getObject({ Bucket: this.bucket, Key: this.journalKey(id) });
      return (
        JSON.parse((await res.Body?.transformToString()) ?? "{}") as { parts?: JournalPart[] }
      ).parts;
    } catch (err) {
      if ((err as { name?: string }).name === "NoSuchKey") return undefined;
      throw err;
    }
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

/** The parts numbered 1, 2, 3, … without a gap: only those hold the upload's first bytes. */
export function unbrokenRun(parts: JournalPart[]): JournalPart[] {
  const run: JournalPart[] = [];
  for (const p of [...parts].sort((a, b) => a.PartNumber - b.PartNumber)) {
    if (p.PartNumber !== run.length + 1) break;
    run.push(p);
  }
  return run;
}
