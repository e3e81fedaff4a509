import { request as httpRequest } from "node:http";
import { rawMultipartUpload } from "@streamstack/infra";

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export interface MultipartUpload {
  token?: string | undefined;
  file: Uint8Array;
  filename: string;
  type?: string;
  title?: string;
  description?: string;
  /** Send title/description after the file part (curl -F order). */
  fieldsAfterFile?: boolean;
}

/** `POST /upload` as a browser or curl sends it (fetch + FormData, Content-Length known). */
export async function uploadMultipart(base: string, u: MultipartUpload): Promise<Answer> {
  const form = new FormData();
  const fields = () => {
    if (u.title !== undefined) form.append("title", u.title);
    if (u.description !== undefined) form.append("description", u.description);
  };
  if (!u.fieldsAfterFile) fields();
  form.append("file", new Blob([u.file], { type: u.type ?? "video/mp4" }), u.filename);
  if (u.fieldsAfterFile) fields();
  const res = await fetch(`${base}/upload`, {
    method: "POST",
    headers: u.token ? { authorization: `Bearer ${u.token}` } : {},
    body: form,
  });
  return answer(res);
}

/**
 * `POST /upload` with a chunked body (no Content-Length): a multipart form whose file
 * part is `head` followed by filler up to `fileBytes`, written in 64 KiB chunks. Resolves
 * with the answer, even when the server answers before the body is done.
 */
export async function uploadChunked(
  base: string,
  token: string,
  opts: { filename: string; head: Uint8Array; fileBytes: number; title: string },
): Promise<{ status: number; body: unknown }> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const outcome = await rawMultipartUpload(`${base}/upload`, token, {
    title: opts.title,
    filename: opts.filename,
    async sendFile(write) {
      await write(opts.head);
      for (let sent = opts.head.length; sent < opts.fileBytes; sent += chunk.length)
        await write(chunk.subarray(0, Math.min(chunk.length, opts.fileBytes - sent)));
    },
  });
  if (outcome.kind === "dropped") throw new Error(`no answer: ${outcome.error}`);
  return outcome;
}

export const auth = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** tus creation: `POST /tus/` with Upload-Length and Upload-Metadata. */
export async function tusCreate(
  base: string,
  token: string | undefined,
  opts: { size: number; metadata: Record<string, string> },
): Promise<Answer & { url: string }> {
  const res = await fetch(`${base}/tus/`, {
    method: "POST",
    headers: {
      ...auth(token),
      "tus-resumable": "1.0.0",
      "upload-length": String(opts.size),
      "upload-metadata": Object.entries(opts.metadata)
        .map(([k, v]) => `${k} ${b64(v)}`)
        .join(","),
    },
  });
  const a = await answer(res);
  const location = res.headers.get("location") ?? "";
  return { ...a, url: location ? new URL(location, `${base}/tus/`).toString() : "" };
}

export async function tusHead(url: string, token: string | undefined): Promise<Answer> {
  return answer(
    await fetch(url, { method: "HEAD", headers: { ...auth(token), "tus-resumable": "1.0.0" } }),
  );
}

export async function tusPatch(
  url: string,
  token: string | undefined,
  offset: number,
  data: Uint8Array,
): Promise<Answer> {
  return answer(
    await fetch(url, {
      method: "PATCH",
      headers: {
        ...auth(token),
        "tus-resumable": "1.0.0",
        "upload-offset": String(offset),
        "content-type": "application/offset+octet-stream",
      },
      body: data,
    }),
  );
}

/**
 * A PATCH that dies mid-way: announces all of `data`, sends the first `cutAfter` bytes,
 * then drops the connection like a flaky network.
 */
export function tusPatchCut(
  url: string,
  token: string,
  offset: number,
  data: Uint8Array,
  cutAfter: number,
): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(url, {
      method: "PATCH",
      headers: {
        ...auth(token),
        "tus-resumable": "1.0.0",
        "upload-offset": String(offset),
        "content-type": "application/offset+octet-stream",
        "content-length": String(data.length),
      },
    });
    req.on("error", () => undefined);
    req.on("close", () => resolve());
    req.write(data.subarray(0, cutAfter), () => {
      // Give the bytes time to cross the socket before the connection drops.
      setTimeout(() => req.destroy(), 200);
    });
  });
}
