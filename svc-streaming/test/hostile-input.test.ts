import { randomBytes, randomUUID } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { BUCKETS, openBucket, RPC, StreamTokenIssueResponse } from "@streamstack/contracts/server";
import {
  absurdRange,
  almost,
  badPercentEncoding,
  expectDocumented,
  garbagePayload,
  hostileText,
  type RawAnswer,
  requestRaw,
  sendRaw,
  traversal,
} from "@streamstack/infra";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Media, type StreamingWorld, startStreamingWorld } from "./support.ts";

// "Bad input at every edge: only documented 4xx answers, never a 5xx or a crash" (issue 7),
// for the byte path (tokens, ranges, If-Range), thumbnails and streaming.rpc.token.issue.
let world: StreamingWorld;
let media: Media;
let body: Buffer;
let token: string;
let port: number;
const SIZE = 200_003;

beforeAll(async () => {
  world = await startStreamingWorld();
  ({ media, body } = await world.putMedia(randomBytes(SIZE)));
  token = (await world.issue(media)).token;
  port = world.edge.port;
});
afterAll(() => world?.stop());

const utf8 = new TextEncoder();

/** One request with exactly these bytes (header values as UTF-8, as a hostile client may). */
function call(method: string, path: string, headers: string[] = []) {
  return sendRaw(
    port,
    Buffer.from([`${method} ${path} HTTP/1.1`, ...headers].join("\r\n"), "utf8"),
  );
}

/** A 200/206 must carry exactly the bytes it claims, never a wrong slice. */
function expectRightBytes(answer: RawAnswer, method: string) {
  if (answer.status === 200) {
    expect(answer.headers["content-length"]).toBe(String(SIZE));
    if (method === "GET") expect(answer.body.equals(body)).toBe(true);
  }
  if (answer.status === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(answer.headers["content-range"] ?? "");
    expect(m, answer.headers["content-range"]).not.toBeNull();
    const [start, end, size] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
    expect(size).toBe(SIZE);
    expect(start <= end && end < SIZE).toBe(true);
    if (method === "GET") expect(answer.body.equals(body.subarray(start, end + 1))).toBe(true);
  }
  if (answer.status === 416) expect(answer.headers["content-range"]).toBe(`bytes */${SIZE}`);
}

describe("GET|HEAD /api/v1/stream/{token} with absurd Range headers", () => {
  it("answers 200, 206 or 416 with exactly the right bytes, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(absurdRange, fc.constantFrom("GET", "HEAD"), async (range, method) => {
        const answer = await call(method, `/api/v1/stream/${token}`, [`Range: ${range}`]);
        if (method === "HEAD")
          expect([200, 206, 416], range.slice(0, 100)).toContain(answer.status);
        else expectDocumented(answer, [200, 206, 416], range.slice(0, 100));
        expectRightBytes(answer, method);
      }),
      { numRuns: 100 },
    );
  });

  it("If-Range garbage means the whole video; only our ETag keeps the range", async () => {
    const etag = (await call("HEAD", `/api/v1/stream/${token}`)).headers.etag ?? "";
    const ifRange = fc.oneof(
      // Control characters are refused by Node's HTTP parser (its own 400) before any route.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      hostileText.map((s) => s.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, "").slice(0, 2000)),
      fc.constantFrom(
        "*",
        '""',
        'W/"x"',
        etag.replace(/"$/, ""),
        `W/${etag}`,
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        ifRange,
        fc.oneof(absurdRange, fc.constant("bytes=0-99")),
        async (validator, range) => {
          const answer = await call("GET", `/api/v1/stream/${token}`, [
            `If-Range: ${validator}`,
            `Range: ${range}`,
          ]);
          expectDocumented(answer, [200], `${validator.slice(0, 60)} ${range.slice(0, 60)}`);
          expectRightBytes(answer, "GET");
        },
      ),
      { numRuns: 60 },
    );
    const honoured = await call("GET", `/api/v1/stream/${token}`, [
      `If-Range: ${etag}`,
      "Range: bytes=0-99",
    ]);
    expect(honoured.status).toBe(206);
  });
});

describe("path traversal and junk in stream tokens and thumbnail ids", () => {
  const junk = fc.oneof(
    traversal,
    badPercentEncoding,
    hostileText.map((s) => encodeURIComponent(s).slice(0, 3000)),
    fc.constantFrom("", ".", "..", "%2e%2e", "../..", "./", "//", "%00"),
    fc.string({ minLength: 43, maxLength: 43, unit: fc.constantFrom(..."ABCabc019-_") }), // well-formed, unknown
  );

  it("the byte path answers 404 with the JSON error body, never another object or a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        junk,
        fc.constantFrom("GET", "HEAD"),
        fc.constantFrom("alone", "before a token", "after a token", "with a query"),
        async (segment, method, where) => {
          const tail = {
            alone: segment,
            "before a token": `${segment}/${token}`,
            "after a token": `${token}/${segment}`,
            "with a query": `${segment}?x=1`,
          }[where];
          const path = `/api/v1/stream/${tail}`;
          const answer = await call(method, path);
          if (method === "HEAD") expect([404], path).toContain(answer.status);
          else expectDocumented(answer, [404], path);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("thumbnails answer 404 for traversal, junk and unknown ids", async () => {
    const id = fc.oneof(
      junk,
      fc.uuid(),
      fc.uuid().map((u) => `${u}%00`),
      fc.uuid().map((u) => `..%2F${u}`),
    );
    await fc.assert(
      fc.asyncProperty(
        id,
        fc.constantFrom(".jpg", ".jpg%00.png", "%2Ejpg", ".JPG", ""),
        async (segment, ext) => {
          const path = `/api/v1/stream/thumbnails/${segment}${ext}`;
          expectDocumented(await call("GET", path), [404], path);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe("streaming.rpc.token.issue with hostile payloads", () => {
  it("answers a 400 (or a token), never crashes, then still grants a valid request", async () => {
    const payload = fc.oneof(
      garbagePayload,
      almost(media).map((v) => utf8.encode(JSON.stringify(v))),
    );
    const access = await world.issuer.token();
    await fc.assert(
      fc.asyncProperty(payload, async (data) => {
        const reply = await requestRaw(world.nc, RPC.tokenIssue.subject, data, {
          accessToken: access,
        });
        if (reply.code === undefined)
          StreamTokenIssueResponse.parse(JSON.parse(new TextDecoder().decode(reply.data)));
        else expect(reply.code, reply.message).toBe(400);
      }),
      { numRuns: 80 },
    );
    const granted = await world.issue(media);
    expect((await call("HEAD", granted.stream_url)).status).toBe(200);
  });

  it("refuses a key that climbs out of the bucket (400): no token can serve another bucket's object", async () => {
    // A secret next door, which `../<thumbnails bucket>/<key>` reached through s3rver's
    // path-style URLs before keys were validated (S3Key in contracts).
    const secret = `secret-${randomUUID()}.bin`;
    await world.s3.send(
      new PutObjectCommand({
        Bucket: world.buckets.thumbnails,
        Key: secret,
        Body: "private bytes",
      }),
    );
    const access = await world.issuer.token();
    for (const s3_key of [
      `../${world.buckets.thumbnails}/${secret}`,
      `./../${world.buckets.thumbnails}/${secret}`,
      `/${world.buckets.thumbnails}/${secret}`,
      `a/../../${world.buckets.thumbnails}/${secret}`,
    ]) {
      const data = utf8.encode(JSON.stringify({ ...media, s3_key, size_bytes: 13 }));
      const reply = await requestRaw(world.nc, RPC.tokenIssue.subject, data, {
        accessToken: access,
      });
      expect(reply.code, s3_key).toBe(400);
    }
  });
});

describe("a stream-token record that is not readable", () => {
  it("is an unknown token (404), not a 500", async () => {
    const kv = await openBucket(world.nc, BUCKETS.streamTokens, { replicas: 1 });
    for (const data of fc.sample(garbagePayload, { numRuns: 20, seed: 23 })) {
      const token = randomBytes(32).toString("base64url");
      await kv.put(token, data);
      expectDocumented(
        await call("GET", `/api/v1/stream/${token}`),
        [404],
        String(data.subarray(0, 40)),
      );
    }
  });
});

describe("after all of the above", () => {
  it("the edge is still alive and serving", async () => {
    expect((await fetch(`${world.base}/healthz`)).status).toBe(200);
    expectRightBytes(await call("GET", `/api/v1/stream/${token}`), "GET");
  });
});
