// What a fault test does to the running platform, as its users do it over HTTP: log in,
// upload, wait for publication, get a stream token, read byte ranges; and read the
// integrator's view of CATALOGUE_EVENTS. Each call answers what happened (status, bytes
// received vs announced) rather than throwing, so a test can count failures during a fault.
import { randomUUID } from "node:crypto";
import { cp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { resolve } from "node:path";
import {
  CatalogueEvent,
  connectNats,
  createLogger,
  type MediaItem,
  STREAMS,
} from "@streamstack/contracts/server";
import { AckPolicy, DeliverPolicy } from "nats";
import { eventually } from "./eventually.ts";

/** An answer as received: status, JSON body if any. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export async function jsonFetch(url: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Logs in at auth; returns the access token. */
export async function login(
  authUrl: string,
  who: { email: string; password: string },
): Promise<string> {
  const a = await jsonFetch(`${authUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(who),
  });
  if (a.status !== 200) throw new Error(`login: ${a.status} ${JSON.stringify(a.body)}`);
  return (a.body as { access_token: string }).access_token;
}

/** `POST /api/v1/ingest/upload` (multipart, as a browser sends it). */
export function uploadMultipart(
  ingestUrl: string,
  token: string,
  file: Uint8Array,
  title: string,
): Promise<JsonAnswer> {
  const form = new FormData();
  form.append("title", title);
  // Our files are never backed by a SharedArrayBuffer; the DOM typing of Blob insists.
  const bytes = file as Uint8Array<ArrayBuffer>;
  form.append("file", new Blob([bytes], { type: "video/mp4" }), `${title}.mp4`);
  return jsonFetch(`${ingestUrl}/api/v1/ingest/upload`, {
    method: "POST",
    headers: bearer(token),
    body: form,
  });
}

/** `GET /api/v1/catalogue/{id}` as the given user. */
export async function mediaItem(
  catalogueUrl: string,
  token: string,
  id: string,
): Promise<MediaItem | undefined> {
  const a = await jsonFetch(`${catalogueUrl}/api/v1/catalogue/${id}`, { headers: bearer(token) });
  return a.status === 200 ? (a.body as MediaItem) : undefined;
}

/** Waits (bounded) until the item is no longer `processing`; returns it. */
export function settled(
  catalogueUrl: string,
  token: string,
  id: string,
  timeoutMs = 120_000,
): Promise<MediaItem> {
  return eventually(
    async () => {
      const item = await mediaItem(catalogueUrl, token, id).catch(() => undefined);
      return item && item.status !== "processing" ? item : undefined;
    },
    `media ${id} to leave processing`,
    timeoutMs,
  );
}

/** `POST /api/v1/catalogue/{id}/stream-token`; returns the stream path. */
export async function streamToken(catalogueUrl: string, token: string, id: string) {
  const a = await jsonFetch(`${catalogueUrl}/api/v1/catalogue/${id}/stream-token`, {
    method: "POST",
    headers: bearer(token),
  });
  if (a.status !== 200) throw new Error(`stream token: ${a.status} ${JSON.stringify(a.body)}`);
  return (a.body as { stream_url: string }).stream_url;
}

/** One byte-path answer as the client saw it, including a body cut short. */
export interface RangeRead {
  status: number;
  /** Content-Length announced in the head (NaN if none). */
  announced: number;
  /** Bytes of body received before the response ended or was aborted. */
  received: number;
  /** The response ended with an error (aborted connection) rather than a clean end. */
  aborted: boolean;
  contentType: string;
  /** The body when it was JSON (an error answer). */
  json?: unknown;
  /** The request failed before any answer (connection refused/reset). */
  error?: string;
}

/** One ranged GET over node:http (fetch hides a truncated body behind a late error). */
export function rangeRead(url: string, range: string, timeoutMs = 30_000): Promise<RangeRead> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { headers: { range }, agent: false, timeout: timeoutMs });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) =>
      resolve({
        status: 0,
        announced: Number.NaN,
        received: 0,
        aborted: true,
        contentType: "",
        error: err.message,
      }),
    );
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let done = false;
      const finish = (aborted: boolean) => {
        if (done) return;
        done = true;
        const contentType = String(res.headers["content-type"] ?? "");
        let json: unknown;
        if (contentType.includes("json")) {
          try {
            json = JSON.parse(Buffer.concat(chunks).toString());
          } catch {
            json = undefined;
          }
        }
        resolve({
          status: res.statusCode ?? 0,
          announced: Number(res.headers["content-length"] ?? Number.NaN),
          received,
          aborted,
          contentType,
          json,
        });
      };
      res.on("data", (c: Buffer) => {
        received += c.length;
        if (chunks.length < 8) chunks.push(c);
      });
      res.on("end", () => finish(false));
      res.on("error", () => finish(true));
      res.on("aborted", () => finish(true));
      res.on("close", () => finish(!res.complete));
    });
    req.end();
  });
}

/** A read that delivered exactly what it announced, as a 206. */
export const wholeRange = (r: RangeRead) =>
  r.status === 206 && !r.aborted && r.received === r.announced;

/**
 * Every event in CATALOGUE_EVENTS, read as the integrator reads them (a durable consumer
 * from the first sequence, deleted after), parsed with the contract's schema.
 */
export async function catalogueEvents(
  natsUrl: string,
  integrator: { user: string; password: string },
): Promise<{ seq: number; msgId: string | undefined; event: CatalogueEvent }[]> {
  const logger = createLogger("fault-test-integrator", "silent");
  const nc = await connectNats(
    { url: natsUrl, name: "fault-test-integrator", ...integrator },
    logger,
  );
  // A durable consumer, not an ephemeral one: on 2.9 an ephemeral is R1 and may be placed on
  // a node that is down, where its creation or its first pull hangs; a durable inherits the
  // stream's replicas and keeps working with a quorum. Bounded all the same; the caller
  // retries with a new connection.
  const name = `fault-test-reader-${randomUUID().slice(0, 8)}`;
  let deadline: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    deadline = setTimeout(() => reject(new Error("reading CATALOGUE_EVENTS hung")), 20_000);
  });
  try {
    return await Promise.race([late, readAll()]);
  } finally {
    clearTimeout(deadline);
    if (!nc.isClosed()) {
      const jsm = await nc.jetstreamManager().catch(() => undefined);
      await jsm?.consumers.delete(STREAMS.catalogueEvents.name, name).catch(() => undefined);
      await nc.close();
    }
  }

  async function readAll() {
    const stream = STREAMS.catalogueEvents.name;
    const js = nc.jetstream();
    const jsm = await nc.jetstreamManager();
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const out: { seq: number; msgId: string | undefined; event: CatalogueEvent }[] = [];
    if (last === 0) return out;
    await jsm.consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      inactive_threshold: 120_000_000_000, // 2 min in ns: gone even if the delete is lost
    });
    const messages = await (await js.consumers.get(stream, name)).consume();
    for await (const m of messages) {
      out.push({
        seq: m.seq,
        msgId: m.headers?.get("Nats-Msg-Id"),
        event: CatalogueEvent.parse(m.json()),
      });
      if (m.seq >= last) break;
    }
    if ((out.at(-1)?.seq ?? 0) < last)
      throw new Error(`read ${out.length} events of CATALOGUE_EVENTS up to ${last}`);
    return out;
  }
}

/** Copies the stack's process logs to .test-artifacts/<name>/ (the stack deletes its own). */
export async function keepLogs(stack: { logDir: string } | undefined, name: string) {
  if (!stack) return;
  const to = resolve(import.meta.dirname, "../../../.test-artifacts", name);
  await rm(to, { recursive: true, force: true });
  await cp(stack.logDir, to, { recursive: true }).catch(() => undefined);
}

/** What a hand-written upload got: the answer as received, or how it ended without one. */
export type RawUploadOutcome =
  | { kind: "answer"; status: number; body: unknown; text: string; contentType: string; at: number }
  | { kind: "dropped"; error: string; at: number };

/**
 * `POST url` as multipart/form-data written by hand over node:http, for tests that pace
 * the body: a `title` field, then the `file` part, whose bytes `sendFile` writes when it
 * likes (`write` waits for the socket to drain and does nothing once the request is gone).
 * With `fileBytes` the request has a Content-Length, as curl sends it; else it is chunked.
 * An answer that arrives before the body is done is kept, also when the socket then fails
 * under a client still sending (the server hangs up on the unread rest after an early 413
 * or 503); `dropped` only when no answer came at all.
 */
export function rawMultipartUpload(
  url: string,
  token: string,
  opts: {
    title: string;
    filename: string;
    fileBytes?: number;
    sendFile: (write: (bytes: Uint8Array) => Promise<void>) => Promise<void>;
  },
): Promise<RawUploadOutcome> {
  const boundary = `----streamstack-test-${randomUUID()}`;
  const open = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${opts.title}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${opts.filename}"\r\n` +
      "Content-Type: video/mp4\r\n\r\n",
  );
  const close = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length =
    opts.fileBytes === undefined
      ? { "transfer-encoding": "chunked" }
      : { "content-length": String(open.length + opts.fileBytes + close.length) };
  return new Promise((resolve) => {
    const req = httpRequest(url, {
      method: "POST",
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        ...length,
      },
    });
    let answer: { status: number; contentType: string; chunks: Buffer[] } | undefined;
    const settle = () => {
      if (!answer) return;
      const text = Buffer.concat(answer.chunks).toString();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const { status, contentType } = answer;
      resolve({ kind: "answer", status, body, text, contentType, at: Date.now() });
    };
    req.on("response", (res) => {
      const contentType = String(res.headers["content-type"] ?? "");
      answer = { status: res.statusCode ?? 0, contentType, chunks: [] };
      res.on("data", (c: Buffer) => answer?.chunks.push(c));
      res.on("end", settle);
      res.on("error", settle);
    });
    req.on("error", (err) =>
      answer ? settle() : resolve({ kind: "dropped", error: err.message, at: Date.now() }),
    );
    const drainedOrClosed = () =>
      new Promise<void>((resolve) => {
        const done = () => {
          req.off("drain", done).off("close", done);
          resolve();
        };
        req.once("drain", done).once("close", done);
      });
    const write = async (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length; at += 256 * 1024) {
        if (req.destroyed) return;
        if (!req.write(bytes.subarray(at, at + 256 * 1024))) await drainedOrClosed();
      }
    };
    void (async () => {
      req.write(open);
      await opts.sendFile(write);
      if (!req.destroyed) req.end(close);
    })();
  });
}
