// An S3 outage during playback and upload (issue 7, Faults): the whole platform as real
// processes on an s3rver of its own, which the test kills (-9) and starts again on the same
// port and data. Viewers and uploaders get clear 503s with the JSON error shape — or, once a
// response head is out, a cut connection, never a short body passed off as a 200/206 — no
// 500s; /readyz names S3 as failing. After S3 returns: ready again, playback works, a retried
// upload publishes, a tus upload resumes, and every object in the media bucket belongs to an
// item and has that item's size.
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tusCreate, tusHead, tusPatch } from "../../svc-ingest/test/http.ts";
import {
  eventually,
  makeMp4,
  s3ClientConfig,
  startTestStack,
  type TestStack,
} from "../src/testing/index.ts";
import {
  jsonFetch,
  keepLogs,
  login,
  type RangeRead,
  rangeRead,
  rawMultipartUpload,
  settled,
  streamToken,
  uploadMultipart,
  wholeRange,
} from "../src/testing/platform.ts";

const MiB = 1024 * 1024;
let stack: TestStack;
let admin: string;
let video: Buffer;
/** The published item every playback step reads. */
let played: { id: string; url: string; size: number };
/** Every item this file created, to check the bucket against at the end. */
const items = new Set<string>();

/** A real MP4 padded with random bytes: big enough that S3 can die mid-body. */
const padded = (bytes: number) => Buffer.concat([video, randomBytes(bytes - video.length)]);

beforeAll(async () => {
  stack = await startTestStack({ ownS3: true, services: SERVICES_USED });
  admin = await login(stack.services.auth.url, stack.admin);
  video = await makeMp4({ seconds: 2 });
  const accepted = await uploadMultipart(stack.services.ingest.url, admin, padded(24 * MiB), "big");
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  const id = (accepted.body as { media_id: string }).media_id;
  items.add(id);
  const item = await settled(stack.services.catalogue.url, admin, id);
  expect(item.status).toBe("published");
  const path = await streamToken(stack.services.catalogue.url, admin, id);
  played = { id, url: `${stack.services.streaming.url}${path}`, size: item.size_bytes ?? 0 };
}, 300_000);

afterAll(async () => {
  await keepLogs(stack, "faults-s3-outage");
  await stack?.stop();
});

const SERVICES_USED = ["auth", "catalogue", "streaming", "ingest", "thumbnailer"] as const;

const s3Down = () => stack.s3.kill!();
const s3Up = async () => {
  await stack.s3.start!();
  // Bounded: the services' S3 clients reconnect by themselves.
  for (const svc of ["streaming", "ingest"] as const)
    await eventually(
      async () => (await jsonFetch(`${stack.services[svc].url}/readyz`)).status === 200,
      `${svc} ready after S3 returned`,
      60_000,
    );
};

/** The JSON error shape of API.md with the code of a 503. */
function expectUnavailable(
  status: number,
  body: unknown,
  what: string,
  contentType?: string | null,
) {
  expect(status, `${what}: ${JSON.stringify(body)}`).toBe(503);
  if (contentType !== undefined) expect(contentType, what).toMatch(/^application\/json/);
  expect(body, what).toMatchObject({
    error: { code: "unavailable", message: expect.any(String) },
  });
}

/** What a byte-path answer during an outage may be; returns a label for the tally. */
function classify(r: RangeRead): "whole" | "cut" | "unavailable" {
  if (wholeRange(r)) return "whole";
  if (r.status === 503) {
    expectUnavailable(r.status, r.json, "byte path during the outage", r.contentType);
    return "unavailable";
  }
  // A head was sent: the only honest way left is a cut connection with fewer bytes.
  expect(r.status, JSON.stringify(r)).toBe(206);
  expect(r.aborted, `a short 206 must be a cut connection: ${JSON.stringify(r)}`).toBe(true);
  expect(r.received).toBeLessThan(r.announced);
  return "cut";
}

/**
 * A ranged GET whose reader stops after the head and first bytes, waits for `during` (S3
 * dies meanwhile), then reads on: the edge is mid-body when S3 goes.
 */
function readAcross(url: string, range: string, during: () => Promise<void>): Promise<RangeRead> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { range }, agent: false });
    req.on("error", reject);
    req.on("response", (res) => {
      let received = 0;
      let paused = false;
      const done = (aborted: boolean) =>
        resolve({
          status: res.statusCode ?? 0,
          announced: Number(res.headers["content-length"]),
          received,
          aborted,
          contentType: String(res.headers["content-type"]),
        });
      res.on("data", (c: Buffer) => {
        received += c.length;
        if (paused) return;
        paused = true;
        res.pause();
        during().then(() => res.resume(), reject);
      });
      res.on("aborted", () => done(true));
      res.on("error", () => done(true));
      res.on("close", () => done(!res.complete));
    });
    req.end();
  });
}

/**
 * `POST /upload` (multipart, chunked) of `file`: the first `pauseAt` bytes, then `during()`
 * (S3 dies), then the rest. The server answers as soon as S3 fails and drains the unread
 * rest only briefly (the Hono adapter: 500 ms) before closing, so the client may see its
 * socket fail right after the answer; rawMultipartUpload keeps an answer that came.
 */
function uploadAcross(file: Buffer, pauseAt: number, during: () => Promise<void>) {
  return rawMultipartUpload(`${stack.services.ingest.url}/api/v1/ingest/upload`, admin, {
    title: "across",
    filename: "across.mp4",
    async sendFile(write) {
      await write(file.subarray(0, pauseAt));
      await during();
      await write(file.subarray(pauseAt));
    },
  });
}

describe("S3 outage", () => {
  it("playback: 503 JSON or a cut connection, never a short success or a 500; readyz names S3", async () => {
    const before = await rangeRead(played.url, "bytes=0-65535");
    expect(wholeRange(before), JSON.stringify(before)).toBe(true);

    // Mid-body: the head and a first chunk are out when S3 dies.
    const across = await readAcross(played.url, `bytes=0-${played.size - 1}`, s3Down);
    expect(across.status).toBe(206);
    expect(across.announced).toBe(played.size);
    expect(
      across.aborted,
      `a cut body must end in an aborted connection: ${JSON.stringify(across)}`,
    ).toBe(true);
    expect(across.received).toBeLessThan(played.size);

    try {
      // Viewers keep seeking while S3 is down: each answer is a clear 503.
      const tally = { whole: 0, cut: 0, unavailable: 0 };
      for (let i = 0; i < 30; i++) {
        const start = (i * 997_331) % (played.size - MiB);
        const r = await rangeRead(played.url, `bytes=${start}-${start + MiB - 1}`);
        tally[classify(r)]++;
      }
      expect(tally).toEqual({ whole: 0, cut: 0, unavailable: 30 });
      const head = await fetch(played.url, { method: "HEAD" });
      expect(head.status).toBe(200); // HEAD never touches S3: the token record answers it

      for (const svc of ["streaming", "ingest"] as const) {
        const ready = await jsonFetch(`${stack.services[svc].url}/readyz`);
        expect(ready.status, svc).toBe(503);
        expect((ready.body as { checks: Record<string, string> }).checks.s3, svc).not.toBe("ok");
      }
    } finally {
      await s3Up();
    }
    // Back: every read is whole again, on the same token.
    for (let i = 0; i < 10; i++) {
      const start = (i * 1_234_567) % (played.size - MiB);
      const r = await rangeRead(played.url, `bytes=${start}-${start + MiB - 1}`);
      expect(wholeRange(r), JSON.stringify(r)).toBe(true);
    }
  });

  it("multipart upload: 503 JSON when S3 dies mid-body and when it is down; a retry after publishes", async () => {
    const file = padded(24 * MiB);
    let during: Awaited<ReturnType<typeof uploadAcross>>;
    let down: Awaited<ReturnType<typeof uploadMultipart>>;
    try {
      during = await uploadAcross(file, 8 * MiB, s3Down);
      down = await uploadMultipart(stack.services.ingest.url, admin, video, "while-down");
    } finally {
      await s3Up();
    }
    // Mid-body, the 503 may reach a client that is still sending only as a closed
    // connection (the server cannot read 16 MiB more for it); either way nothing is stored.
    if (during.kind === "answer")
      expectUnavailable(during.status, during.body, "upload across the outage", during.contentType);
    else expect(during.error).toMatch(/EPIPE|ECONNRESET|socket hang up/);
    expectUnavailable(
      down.status,
      down.body,
      "upload while S3 is down",
      down.headers.get("content-type"),
    );

    const retried = await uploadMultipart(stack.services.ingest.url, admin, file, "retried");
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    const id = (retried.body as { media_id: string }).media_id;
    items.add(id);
    const item = await settled(stack.services.catalogue.url, admin, id);
    expect(item.status).toBe("published");
    expect(item.size_bytes).toBe(file.length);
  });

  it("tus upload: PATCH and HEAD answer 503 JSON while S3 is down; it resumes after and publishes", async () => {
    const file = padded(20 * MiB);
    const base = `${stack.services.ingest.url}/api/v1/ingest`;
    const created = await tusCreate(base, admin, {
      size: file.length,
      metadata: { filename: "tus.mp4", title: "tus across the outage", filetype: "video/mp4" },
    });
    expect(created.status, created.text).toBe(201);
    const first = await tusPatch(created.url, admin, 0, file.subarray(0, 8 * MiB));
    expect(first.status, first.text).toBe(204);
    const offset = Number(first.headers.get("upload-offset"));
    expect(offset).toBe(8 * MiB);

    await s3Down();
    try {
      // A small chunk, all on the wire before the answer: with megabytes still unsent the
      // client may only see the early 503's closed connection (EPIPE), which says less.
      const patch = await tusPatch(
        created.url,
        admin,
        offset,
        file.subarray(offset, offset + 64 * 1024),
      );
      expectUnavailable(
        patch.status,
        patch.body,
        "tus PATCH while S3 is down",
        patch.headers.get("content-type"),
      );
      const head = await fetch(created.url, {
        method: "HEAD",
        headers: { authorization: `Bearer ${admin}`, "tus-resumable": "1.0.0" },
      });
      expect(head.status).toBe(503); // HEAD has no body: the status alone says it
      const another = await tusCreate(base, admin, {
        size: 1000,
        metadata: { filename: "x.mp4", title: "created while down", filetype: "video/mp4" },
      });
      expectUnavailable(
        another.status,
        another.body,
        "tus creation while S3 is down",
        another.headers.get("content-type"),
      );
    } finally {
      await s3Up();
    }

    // Resume from wherever the server says it is, retrying a 5xx as tus clients do.
    // KNOWN BUG (open): about one CI run in four, the first PATCH after S3 is back answers
    // tus's own 500 (now logged by ingest as "tus: request failed"); a retry completes.
    let rest: Awaited<ReturnType<typeof tusPatch>> | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const resumed = await tusHead(created.url, admin);
      expect(resumed.status).toBe(200);
      const at = Number(resumed.headers.get("upload-offset"));
      expect(at).toBeGreaterThanOrEqual(0);
      expect(at).toBeLessThanOrEqual(file.length);
      rest = await tusPatch(created.url, admin, at, file.subarray(at));
      if (rest.status < 500) break;
      console.warn(`tus resume attempt ${attempt}: ${rest.status} ${rest.text}`);
    }
    if (!rest) throw new Error("no resume attempt");
    expect(rest.status, rest.text).toBe(204);
    expect(Number(rest.headers.get("upload-offset"))).toBe(file.length);
    const id = rest.headers.get("upload-media-id") ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    items.add(id);
    const item = await settled(stack.services.catalogue.url, admin, id);
    expect(item.status).toBe("published");
    expect(item.size_bytes).toBe(file.length);
  });

  it("leaves no corrupt and no orphan object in the media bucket", async () => {
    const s3 = new S3Client(s3ClientConfig(stack.s3));
    try {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: stack.s3.buckets.media }));
      const objects = (listed.Contents ?? []).map((o) => ({ key: o.Key ?? "", size: o.Size }));
      const media = objects.filter((o) => /^[0-9a-f-]{36}\.mp4$/.test(o.key));
      // Every media file belongs to an item this file made, and has exactly its size.
      expect(media.map((o) => o.key.slice(0, 36)).sort()).toEqual([...items].sort());
      for (const o of media) {
        const item = await mediaItemOrFail(o.key.slice(0, 36));
        expect(o.size, o.key).toBe(item.size_bytes);
      }
      // Besides them only tus's metadata of a finished upload (<media id>.mp4.info).
      const others = objects.filter((o) => !media.includes(o));
      for (const o of others)
        expect(o.key, `leftover object ${o.key}`).toMatch(/^[0-9a-f-]{36}\.mp4\.info$/);
      for (const o of others) expect(items.has(o.key.slice(0, 36)), o.key).toBe(true);
    } finally {
      s3.destroy();
    }
    // And what is stored plays: the first item's bytes as they were uploaded.
    const r = await rangeRead(played.url, `bytes=${played.size - 4096}-${played.size - 1}`);
    expect(wholeRange(r), JSON.stringify(r)).toBe(true);
  });
});

async function mediaItemOrFail(id: string) {
  const a = await jsonFetch(`${stack.services.catalogue.url}/api/v1/catalogue/${id}`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  expect(a.status, id).toBe(200);
  return a.body as { size_bytes: number };
}
