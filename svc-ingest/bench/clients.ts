import { randomBytes } from "node:crypto";
import { request } from "node:http";
import type { Readable } from "node:stream";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `body` (a stream of known length, optionally framed) and collects the answer. */
export function send(
  url: string,
  opts: {
    method: string;
    headers: Record<string, string>;
    body?: Readable;
    before?: Buffer;
    after?: Buffer;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method, headers: opts.headers });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    if (opts.before) req.write(opts.before);
    if (!opts.body) return void req.end(opts.after);
    opts.body.on("end", () => req.end(opts.after));
    opts.body.pipe(req, { end: false });
  });
}

/** A multipart/form-data upload of `size` streamed bytes, with Content-Length. */
export async function multipartUpload(base: string, token: string, body: Readable, size: number) {
  // As curl makes it (24 dashes, 16 hex): busboy's boundary search skips ahead by about
  // the boundary's length, so a short one would make parsing look slower than it is.
  const boundary = `${"-".repeat(24)}${randomBytes(8).toString("hex")}`;
  const before = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBench\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.mp4"\r\n` +
      "Content-Type: video/mp4\r\n\r\n",
  );
  const after = Buffer.from(`\r\n--${boundary}--\r\n`);
  const res = await send(`${base}/upload`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": String(before.length + size + after.length),
    },
    body,
    before,
    after,
  });
  if (res.status !== 202) throw new Error(`multipart upload: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { media_id: string }).media_id;
}

/** A tus upload: creation, then one PATCH carrying all `size` bytes. */
export async function tusUpload(base: string, token: string, body: Readable, size: number) {
  const tus = { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" };
  const meta = (k: string, v: string) => `${k} ${Buffer.from(v).toString("base64")}`;
  const created = await send(`${base}/tus/`, {
    method: "POST",
    headers: {
      ...tus,
      "upload-length": String(size),
      "upload-metadata": [meta("filename", "bench.mp4"), meta("title", "Bench")].join(","),
    },
  });
  const location = created.headers.location;
  if (created.status !== 201 || typeof location !== "string") {
    throw new Error(`tus create: ${created.status} ${created.body}`);
  }
  const res = await send(new URL(location, `${base}/tus/`).toString(), {
    method: "PATCH",
    headers: {
      ...tus,
      "upload-offset": "0",
      "content-type": "application/offset+octet-stream",
      "content-length": String(size),
    },
    body,
  });
  if (res.status !== 204) throw new Error(`tus patch: ${res.status} ${res.body}`);
  return String(res.headers["upload-media-id"]);
}
