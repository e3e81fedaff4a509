import type { ErrorBody } from "@streamstack/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Media, type StreamingWorld, startStreamingWorld } from "./support.ts";

let world: StreamingWorld;
let media: Media;
let body: Buffer;
let url: string;
const SIZE = 300_001;

beforeAll(async () => {
  world = await startStreamingWorld();
  ({ media, body } = await world.putMedia(randomBody(SIZE), "video/mp4"));
  url = `${world.base}${(await world.issue(media)).stream_url}`;
});
afterAll(() => world?.stop());

function randomBody(size: number) {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 2654435761) >>> 24; // no two ranges alike
  return b;
}

async function get(headers: Record<string, string> = {}, method = "GET") {
  const res = await fetch(url, { method, headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { res, bytes, h: (name: string) => res.headers.get(name) };
}

/** Every 200/206 carries these, whatever the range. */
function expectEntityHeaders(h: (name: string) => string | null, length: number) {
  expect(h("accept-ranges")).toBe("bytes");
  expect(h("content-type")).toBe("video/mp4");
  expect(h("content-length")).toBe(String(length));
  expect(h("etag")).toMatch(/^"[^"]+"$/);
}

describe("GET /api/v1/stream/{token}", () => {
  it("sends the whole object without a Range", async () => {
    const { res, bytes, h } = await get();
    expect(res.status).toBe(200);
    expectEntityHeaders(h, SIZE);
    expect(h("content-range")).toBeNull();
    expect(bytes.equals(body)).toBe(true);
  });

  it.each([
    ["first byte", "bytes=0-0", 0, 0],
    ["last byte", `bytes=${SIZE - 1}-${SIZE - 1}`, SIZE - 1, SIZE - 1],
    ["middle", "bytes=1000-70999", 1000, 70_999],
    ["open-ended", "bytes=250000-", 250_000, SIZE - 1],
    ["suffix", "bytes=-4096", SIZE - 4096, SIZE - 1],
    ["suffix larger than the object", "bytes=-900000", 0, SIZE - 1],
    ["end past the object", "bytes=299000-999999", 299_000, SIZE - 1],
  ])("answers 206 with exactly the bytes of a %s range", async (_name, range, start, end) => {
    const { res, bytes, h } = await get({ Range: range });
    expect(res.status).toBe(206);
    expectEntityHeaders(h, end - start + 1);
    expect(h("content-range")).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(bytes.equals(body.subarray(start, end + 1))).toBe(true);
  });

  it.each([
    ["start beyond the size", `bytes=${SIZE}-`],
    ["zero-length suffix", "bytes=-0"],
  ])("answers 416 with the size for a %s", async (_name, range) => {
    const { res, bytes, h } = await get({ Range: range });
    expect(res.status).toBe(416);
    expect(h("content-range")).toBe(`bytes */${SIZE}`);
    expect(JSON.parse(bytes.toString()).error.code).toBe("range_not_satisfiable");
  });

  it.each([
    ["malformed", "bytes=abc"],
    ["reversed", "bytes=500-100"],
    ["multi-range", "bytes=0-10,20-30"],
    ["another unit", "items=0-10"],
  ])("ignores a %s Range and sends the whole object", async (_name, range) => {
    const { res, bytes, h } = await get({ Range: range });
    expect(res.status).toBe(200);
    expectEntityHeaders(h, SIZE);
    expect(bytes.equals(body)).toBe(true);
  });

  it("answers HEAD with the GET's headers and no body, ranged or not", async () => {
    const whole = await get({}, "HEAD");
    expect(whole.res.status).toBe(200);
    expectEntityHeaders(whole.h, SIZE);
    expect(whole.bytes.length).toBe(0);
    const ranged = await get({ Range: "bytes=10-19" }, "HEAD");
    expect(ranged.res.status).toBe(206);
    expectEntityHeaders(ranged.h, 10);
    expect(ranged.h("content-range")).toBe(`bytes 10-19/${SIZE}`);
    expect(ranged.bytes.length).toBe(0);
    expect(ranged.h("etag")).toBe((await get({ Range: "bytes=0-0" })).h("etag"));
  });

  it("honours If-Range only while the ETag still matches", async () => {
    const etag = (await get({}, "HEAD")).h("etag") ?? "";
    const match = await get({ Range: "bytes=100-199", "If-Range": etag });
    expect(match.res.status).toBe(206);
    expect(match.bytes.equals(body.subarray(100, 200))).toBe(true);

    const stale = await get({ Range: "bytes=100-199", "If-Range": '"some-older-version"' });
    expect(stale.res.status).toBe(200);
    expect(stale.bytes.equals(body)).toBe(true);
    const dated = await get({ Range: "bytes=100-199", "If-Range": new Date().toUTCString() });
    expect(dated.res.status).toBe(200);
  });

  it("gives the same ETag on every replica, so If-Range survives load balancing", async () => {
    const other = await world.startEdge();
    const token = url.slice(url.lastIndexOf("/") + 1);
    const there = await fetch(`${other.base}/api/v1/stream/${token}`, { method: "HEAD" });
    expect(there.headers.get("etag")).toBe((await get({}, "HEAD")).h("etag"));
  });

  it("answers 404 with the JSON error body for unknown and malformed tokens", async () => {
    for (const token of ["A".repeat(43), "short", "has.dots.in.it", `${"A".repeat(43)}/more`]) {
      const res = await fetch(`${world.base}/api/v1/stream/${token}`);
      expect(res.status, token).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/application\/json/);
      expect(((await res.json()) as ErrorBody).error.code).toBe("not_found");
    }
  });

  it("answers 404 when the object is gone from S3 though the token lives", async () => {
    const gone = await world.putMedia(randomBody(1000));
    const goneUrl = `${world.base}${(await world.issue(gone.media)).stream_url}`;
    await world.deleteMedia(gone.media);
    const res = await fetch(goneUrl, { headers: { Range: "bytes=0-9" } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe("not_found");
  });

  it("serves an empty object as 200 with no body", async () => {
    const empty = await world.putMedia(Buffer.alloc(0));
    const res = await fetch(`${world.base}${(await world.issue(empty.media)).stream_url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("0");
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it("answers 503 JSON, not 500, when S3 cannot be reached", async () => {
    const cut = await world.startEdge({ S3_ENDPOINT: "http://127.0.0.1:9" });
    const token = url.slice(url.lastIndexOf("/") + 1);
    const res = await fetch(`${cut.base}/api/v1/stream/${token}`, {
      headers: { Range: "bytes=0-9" },
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorBody).error.code).toBe("unavailable");
    expect((await fetch(`${cut.base}/readyz`)).status).toBe(503);
  });
});
