// s3rver's FilesystemStore (s3rver 3.7.1, unmaintained), made safe for concurrent clients.
// As shipped, three of its write paths could take the whole server down or tear an object,
// it could not abort a multipart upload, and a listing could fail on a concurrent delete:
//
// 1. DeleteObject removes the key's directory once it is empty. A PUT into the same prefix
//    (two tus part journals under _ingest/tus/, one written while the other is deleted) could
//    have its directory removed between its mkdir and its open: ENOENT on a write stream with
//    no 'error' listener, an uncaught exception, and every client of that s3rver got
//    ECONNREFUSED from then on. Reproduced with 12 clients putting and deleting in one prefix.
// 2. CompleteMultipartUpload read the parts through streams without an 'error' listener: a
//    missing part crashed the server instead of answering InvalidPart.
// 3. Objects and their metadata files were written in place, so a GET during a PUT, or a
//    kill -9 mid-PUT, saw a torn object (or a metadata file that no longer parsed: a 500 on
//    that key for good). S3 and MinIO replace an object whole; so does this store now (temp
//    file, then rename).
// 4. AbortMultipartUpload (DELETE ?uploadId) answered 405, so an aborted upload's parts (a
//    413, a client gone mid-upload) stayed on disk for good. It now removes them.
// 5. ListObjects walks the bucket's folders with readdir, then stat: a key deleted between
//    the two failed the whole listing with a 500 (ingest's expiry sweep lists the tus
//    journals while finished uploads delete theirs). Such a listing is now made again.
//
// hardenS3rver() replaces those write methods on the store's prototype, retries a listing
// that met a vanished key, and wraps the object DELETE route's handler; everything else is
// s3rver's own. bin/s3rver.ts calls it before the server starts.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open, readFile, rename, rm, rmdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

const require = createRequire(import.meta.url);
const FilesystemStore = require("s3rver/lib/stores/filesystem.js");
const S3Error = require("s3rver/lib/models/error.js");
const S3Object = require("s3rver/lib/models/object.js");
const router = require("s3rver/lib/routes.js");

/** What s3rver's controllers expect back from a write. */
interface Written {
  size: number;
  md5: string;
}

interface Store {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getBucketPath(bucket: string): string;
  putObject(object: unknown): Promise<Written>;
  putMetadata(
    bucket: string,
    key: string,
    metadata: Record<string, string>,
    md5: string,
  ): Promise<void>;
}

const isNoEntry = (err: unknown) => (err as NodeJS.ErrnoException).code === "ENOENT";

/**
 * Runs `step` again (up to 10 times in all) while it fails with ENOENT: a file or folder a
 * concurrent delete removed under it, which the next try no longer meets or makes again.
 */
async function againOnNoEntry<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!isNoEntry(err) || attempt === 10) throw err;
    }
  }
}

/**
 * Opens a temp file beside `path`, creating its directory when `makeDir` (a delete racing in
 * the same prefix may remove it between the two steps: then both are done again).
 */
async function openTemp(path: string, makeDir: boolean): Promise<[string, FileHandle]> {
  // Not ending in "._S3rver_object": listings never show it, even if a crash leaves it.
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  if (!makeDir) return [temp, await open(temp, "wx")];
  return againOnNoEntry(async () => {
    // mkdir fails with ENOENT too when the folder goes between its mkdir and its stat.
    await mkdir(dirname(path), { recursive: true });
    return [temp, await open(temp, "wx")];
  });
}

/** Streams `content` into `path` whole or not at all, with its size and MD5. */
async function writeWhole(
  path: string,
  content: Readable | Buffer,
  makeDir = true,
): Promise<Written> {
  const [temp, file] = await openTemp(path, makeDir);
  const md5 = createHash("md5");
  let size = 0;
  try {
    await pipeline(
      Buffer.isBuffer(content) ? Readable.from([content]) : content,
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          md5.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      }),
      file.createWriteStream(),
    );
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return { size, md5: md5.digest("hex") };
}

/** The parts' bytes in order; fails (InvalidPart) before anything is written if one is missing. */
async function partsInOrder(uploadDir: string, numbers: number[]): Promise<Readable> {
  const paths = numbers.map((n) => join(uploadDir, String(n)));
  for (const path of paths) {
    await stat(path).catch((err) => {
      if (!isNoEntry(err)) throw err;
      throw new S3Error(
        "InvalidPart",
        "One or more of the specified parts could not be found. The part may not have been uploaded.",
      );
    });
  }
  return Readable.from(
    (async function* () {
      for (const path of paths) yield* createReadStream(path);
    })(),
  );
}

/** The part of a Koa context the abort handler reads and answers through. */
interface AbortContext {
  params: { bucket: string; queryMethod?: string };
  query: Record<string, string>;
  store: Store;
  status: number;
}

/**
 * AbortMultipartUpload, in the object DELETE route after s3rver's authentication: removes
 * the upload and its parts. A part still arriving then fails with NoSuchUpload, as on S3.
 */
function handleAbort(route: { methods: string[]; path: string; stack: unknown[] }): void {
  const last = route.stack.length - 1;
  const original = route.stack[last] as (ctx: AbortContext) => unknown;
  route.stack[last] = async (ctx: AbortContext) => {
    if (ctx.params.queryMethod !== "uploadId") return original(ctx);
    const uploadsDir = ctx.store.getResourcePath(ctx.params.bucket, undefined, "uploads");
    const uploadDir = join(uploadsDir, basename(ctx.query.uploadId ?? ""));
    if (uploadDir === uploadsDir || !(await stat(uploadDir).catch(() => undefined))) {
      throw new S3Error("NoSuchUpload", "The specified upload does not exist.");
    }
    // Retries: a part's temp file may appear while the folder is being emptied.
    await rm(uploadDir, { recursive: true, force: true, maxRetries: 5 });
    ctx.status = 204;
  };
}

export function hardenS3rver(): void {
  const objectDelete = (router.stack as { methods: string[]; path: string; stack: unknown[] }[])
    .filter((layer) => layer.methods.includes("DELETE") && layer.path === "/:bucket/:key+")
    .at(-1);
  if (!objectDelete) throw new Error("s3rver's object DELETE route moved: see s3rver-store.ts");
  handleAbort(objectDelete);

  const proto = FilesystemStore.prototype as Store & Record<string, unknown>;

  const listObjects = proto.listObjects as (...args: unknown[]) => Promise<unknown>;
  // A key or folder that went mid-walk: the next walk no longer meets it.
  proto.listObjects = function (this: Store, ...args: unknown[]) {
    return againOnNoEntry(() => listObjects.apply(this, args));
  };

  proto.putObject = async function (
    this: Store,
    object: {
      bucket: string;
      key: string;
      content: Readable | Buffer;
      metadata: Record<string, string>;
    },
  ): Promise<Written> {
    const path = this.getResourcePath(object.bucket, object.key, "object");
    const written = await writeWhole(path, object.content);
    await this.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };

  proto.putMetadata = async function (
    this: Store,
    bucket: string,
    key: string,
    metadata: Record<string, string>,
    md5: string,
  ): Promise<void> {
    const allowed: string[] = S3Object.ALLOWED_METADATA;
    const kept = Object.entries(metadata).filter(
      ([name]) => allowed.includes(name) || name.startsWith("x-amz-meta-"),
    );
    const json = JSON.stringify(Object.fromEntries(kept), null, 2);
    if (md5) await writeWhole(this.getResourcePath(bucket, key, "object.md5"), Buffer.from(md5));
    await writeWhole(this.getResourcePath(bucket, key, "metadata.json"), Buffer.from(json));
  };

  proto.putPart = async function (
    this: Store,
    bucket: string,
    uploadId: string,
    partNumber: string,
    content: Readable,
  ): Promise<Written> {
    const uploadDir = join(this.getResourcePath(bucket, undefined, "uploads"), uploadId);
    const partPath = join(uploadDir, String(partNumber));
    // The upload's folder goes when it completes: a late part is S3's NoSuchUpload, not a
    // folder made again and left behind. (s3rver also kept each part's MD5 in a file beside
    // it, which nothing read.)
    return writeWhole(partPath, content, false).catch((err) => {
      if (!isNoEntry(err)) throw err;
      throw new S3Error("NoSuchUpload", "The specified upload does not exist.");
    });
  };

  proto.putObjectMultipart = async function (
    this: Store,
    bucket: string,
    uploadId: string,
    parts: { number: number }[],
  ): Promise<Written> {
    const uploadDir = join(this.getResourcePath(bucket, undefined, "uploads"), uploadId);
    const [key, metadata] = await Promise.all([
      readFile(join(uploadDir, "key"), "utf8"),
      readFile(join(uploadDir, "metadata"), "utf8").then(JSON.parse),
    ]).catch((err) => {
      if (!isNoEntry(err)) throw err;
      throw new S3Error("NoSuchUpload", "The specified upload does not exist.");
    });
    const numbers = parts.map((p) => p.number).sort((a, b) => a - b);
    const content = await partsInOrder(uploadDir, numbers);
    const result = await this.putObject(new S3Object(bucket, key, content, metadata));
    await rm(uploadDir, { recursive: true, force: true });
    return result;
  };

  proto.deleteObject = async function (this: Store, bucket: string, key: string): Promise<void> {
    const files = ["object", "object.md5", "metadata.json"];
    await Promise.all(files.map((r) => rm(this.getResourcePath(bucket, key, r), { force: true })));
    // Empty folders of the key's prefix go too, as before; one a PUT has just written into is
    // not empty (ENOTEMPTY), and one another delete removed first is gone (ENOENT): both end it.
    const bucketPath = this.getBucketPath(bucket);
    let dir = dirname(this.getResourcePath(bucket, key, "object"));
    while (dir.startsWith(bucketPath + sep)) {
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
      dir = dirname(dir);
    }
  };
}
