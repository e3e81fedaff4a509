import { randomUUID } from "node:crypto";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { CONSUMERS, SUBJECTS } from "@streamstack/contracts/server";
import {
  badPercentEncoding,
  expectDocumented,
  forgedAccessTokens,
  garbagePayload,
  hostileText,
  invalidUtf8Bytes,
  type RawAnswer,
  sendRaw,
  traversal,
} from "@streamstack/infra";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type IngestWorld, startFakeCatalogue, startIngestWorld } from "./support.ts";

// "Bad input at every edge: only documented 4xx answers, never a 5xx or a crash" (issue 7),
// for multipart and tus uploads, ingest's media-deleted consumer and its tus lock-release subject.
let world: IngestWorld;
let catalogue: Awaited<ReturnType<typeof startFakeCatalogue>>;
let port: number;
const MAX = 256 * 1024;
beforeAll(async () => {
  world = await startIngestWorld({ MAX_UPLOAD_BYTES: String(MAX) });
  catalogue = await startFakeCatalogue(world.nats.url);
  port = Number(new URL(world.base).port);
});
afterAll(async () => {
  await catalogue?.stop();
  await world?.close();
});

const utf8 = new TextEncoder();
const bytes = (...parts: Array<string | Uint8Array>) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
/** The first bytes of an MP4 (an `ftyp` box), enough for ingest's container sniffing. */
const MP4_HEAD = bytes(Buffer.from([0, 0, 0, 0x18]), "ftypisom", Buffer.alloc(16));

function call(
  method: string,
  path: string,
  headers: string[],
  body?: Uint8Array,
  token = world.tokens.admin,
) {
  const lines = [`${method} /api/v1/ingest${path} HTTP/1.1`, ...headers];
  if (token) lines.push(`Authorization: Bearer ${token}`);
  return sendRaw(port, Buffer.from(lines.join("\r\n"), "utf8"), body);
}

describe("POST /upload with malformed multipart bodies", () => {
  const B = "hostile-boundary";
  const part = fc.record({
    name: fc.oneof(
      fc.constantFrom("file", "title", "description"),
      hostileText.map((s) => s.slice(0, 100)),
    ),
    filename: fc.option(
      fc.oneof(
        fc.constantFrom("v.mp4", "../../etc/passwd", "v.exe", "x.mp4\u0000.txt"),
        hostileText.map((s) => s.slice(0, 200)),
      ),
    ),
    type: fc.option(fc.constantFrom("video/mp4", "text/plain", "application/octet-stream", "")),
    content: fc.oneof(
      fc.constant(MP4_HEAD),
      fc.uint8Array({ maxLength: 64 }),
      invalidUtf8Bytes,
      fc.integer({ min: MAX, max: 2 * MAX }).map((n) => bytes(MP4_HEAD, Buffer.alloc(n))),
    ),
  });
  const form = fc.record({
    parts: fc.array(part, { maxLength: 4 }),
    // ways to break the framing
    damage: fc.constantFrom(
      "none",
      "truncate",
      "no closing boundary",
      "huge header",
      "header without colon",
      "wrong boundary",
    ),
    cutAt: fc.double({ min: 0, max: 1, noNaN: true }),
    contentType: fc.constantFrom(
      `multipart/form-data; boundary=${B}`,
      "multipart/form-data",
      "multipart/form-data; boundary=",
      `multipart/mixed; boundary=${B}`,
      "application/json",
      "text/plain",
      undefined,
    ),
  });

  it("answers 202, 400, 413 or 415 with the JSON error body, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(form, async ({ parts, damage, cutAt, contentType }) => {
        const chunks: Uint8Array[] = [];
        for (const p of parts) {
          const disposition = `form-data; name="${p.name}"${p.filename === null ? "" : `; filename="${p.filename}"`}`;
          let head = `--${B}\r\nContent-Disposition: ${disposition}\r\n`;
          if (p.type !== null) head += `Content-Type: ${p.type}\r\n`;
          if (damage === "huge header") head += `X-Pad: ${"x".repeat(100_000)}\r\n`;
          if (damage === "header without colon") head += "no colon here\r\n";
          chunks.push(bytes(head, "\r\n", p.content, "\r\n"));
        }
        if (damage !== "no closing boundary") chunks.push(bytes(`--${B}--\r\n`));
        let body = bytes(...chunks);
        if (damage === "truncate") body = body.subarray(0, Math.floor(body.length * cutAt));
        if (damage === "wrong boundary")
          body = Buffer.from(body.toString("latin1").replaceAll(B, "other"), "latin1");
        const headers = contentType === undefined ? [] : [`Content-Type: ${contentType}`];
        const answer = await call("POST", "/upload", headers, body);
        expectDocumented(
          answer,
          [202, 400, 413, 415],
          `${damage} ${contentType} ${parts.map((p) => p.name).join(",")}`,
        );
      }),
      { numRuns: 80 },
    );
  });

  it("refuses the documented cases with their documented status", async () => {
    const file = (name = "file", filename = "v.mp4", content: Uint8Array = MP4_HEAD) =>
      bytes(
        `--${B}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: video/mp4\r\n\r\n`,
        content,
        "\r\n",
      );
    const title = bytes(`--${B}\r\nContent-Disposition: form-data; name="title"\r\n\r\nT\r\n`);
    const end = bytes(`--${B}--\r\n`);
    const type = [`Content-Type: multipart/form-data; boundary=${B}`];
    const cases: Array<[string, string[], Uint8Array, number]> = [
      ["no boundary", ["Content-Type: multipart/form-data"], bytes(title, file(), end), 415],
      ["missing file part", type, bytes(title, end), 400],
      ["two file parts", type, bytes(title, file(), file(), end), 400],
      ["file part under another name", type, bytes(title, file("upload"), end), 400],
      ["truncated mid-file", type, bytes(title, file()).subarray(0, 150), 400],
      ["empty body", type, new Uint8Array(), 400],
      ["not a video", type, bytes(title, file("file", "v.mp4", utf8.encode("hello")), end), 415],
      [
        "over the limit",
        type,
        bytes(title, file("file", "v.mp4", bytes(MP4_HEAD, Buffer.alloc(MAX))), end),
        413,
      ],
    ];
    for (const [what, headers, body, status] of cases) {
      expectDocumented(await call("POST", "/upload", headers, body), [status], what);
    }
    // And a valid one still goes through afterwards.
    expectDocumented(
      await call("POST", "/upload", type, bytes(title, file(), end)),
      [202],
      "valid",
    );
  });
});

describe("tus creation with garbage headers", () => {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const length = fc.oneof(
    fc.constantFrom(
      "",
      "-1",
      "0",
      "1.5",
      "1e3",
      "0x10",
      "abc",
      "9007199254740993",
      "18446744073709551616",
      " 10",
      "10 ",
      "+10",
    ),
    fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    hostileText.map((s) => s.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 200)),
  );
  const metadata = fc.oneof(
    fc.constantFrom(
      `filename ${b64("v.mp4")},title ${b64("T")}`,
      "filename !!!notbase64!!!",
      "filename",
      `filename ${b64("v.mp4")},filename ${b64("w.mp4")}`,
      ",,,",
      " ",
      `title ${b64("T")}`,
      `filename ${b64("../../etc/passwd")}`,
      `filename ${b64("v.mp4")},title ${b64("x".repeat(10_000))}`,
      `filename ${b64("v.mp4")},title ${Buffer.from([0xff, 0xfe, 0xc3, 0x28]).toString("base64")}`,
      `filename ${b64("v.mp4")},title ${b64("a\u0000b")}`,
    ),
    fc
      .array(
        fc.tuple(
          // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
          hostileText.map((s) => s.replace(/[\s,\u0000-\u001f]/g, "").slice(0, 50)),
          fc.oneof(
            fc.base64String({ maxLength: 200 }),
            // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
            hostileText.map((s) => s.replace(/[\u0000-\u001f,]/g, "").slice(0, 200)),
          ),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => pairs.map(([k, v]) => `${k} ${v}`).join(",")),
  );
  const resumable = fc.constantFrom("1.0.0", "0.2.2", "2.0.0", "", "1.0.0, 0.2.2", undefined);

  it("answers 201, 400, 412, 413 or 415, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        length,
        metadata,
        resumable,
        fc.boolean(),
        async (len, meta, version, deferLength) => {
          const headers = [`Upload-Metadata: ${meta}`];
          if (deferLength) headers.push("Upload-Defer-Length: 1");
          else headers.push(`Upload-Length: ${len}`);
          if (version !== undefined) headers.push(`Tus-Resumable: ${version}`);
          const answer = await call("POST", "/tus/", headers);
          expectTusAnswer(
            answer,
            [201, 400, 412, 413, 415],
            `${len.slice(0, 40)} | ${meta.slice(0, 80)} | ${version}`,
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("tus requests on unknown, junk and traversal upload ids", () => {
  const id = fc.oneof(
    traversal,
    badPercentEncoding,
    fc.uuid().map((u) => `${u}.mp4`), // well-formed, unknown
    hostileText.map((s) => encodeURIComponent(s).slice(0, 2000)),
  );

  it("answers 404 (or another 4xx), never a 5xx, and touches nothing outside the uploads", async () => {
    // Bait next door: a tus `.info` in the thumbnails bucket a traversal id could reach.
    const bait = `bait-${randomUUID()}`;
    await world.s3.send(
      new PutObjectCommand({
        Bucket: world.buckets.thumbnails,
        Key: `${bait}.info`,
        Body: JSON.stringify({ id: bait, size: 10, offset: 0, metadata: {} }),
      }),
    );
    const baitIds = [
      `..%2F${world.buckets.thumbnails}%2F${bait}`,
      `%2E%2E%2F${world.buckets.thumbnails}%2F${bait}`,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(id, fc.constantFrom(...baitIds)),
        fc.constantFrom("PATCH", "HEAD", "DELETE", "GET"),
        fc.constantFrom("0", "-1", "abc", "99999999999999999999", ""),
        async (uploadId, method, offset) => {
          const headers = [
            "Tus-Resumable: 1.0.0",
            `Upload-Offset: ${offset}`,
            "Content-Type: application/offset+octet-stream",
          ];
          const answer = await call(
            method,
            `/tus/${uploadId}`,
            headers,
            method === "PATCH" ? utf8.encode("some bytes") : undefined,
          );
          expectTusAnswer(answer, [400, 403, 404, 409, 410, 412, 415], `${method} ${uploadId}`);
        },
      ),
      { numRuns: 80 },
    );
    const nextDoor = await world.s3.send(
      new ListObjectsV2Command({ Bucket: world.buckets.thumbnails }),
    );
    expect((nextDoor.Contents ?? []).map((o) => o.Key)).toEqual([`${bait}.info`]);
  });

  it("ids that are no media key are 404 before the store or the lock bucket sees them", async () => {
    // Each of these was a 500: `%252F` decodes to a key holding `%2F`, and a KV key cannot
    // hold `%`, a space or `~`.
    const ids = [
      "..%252F..%252Fetc%252Fpasswd",
      "a%20b",
      "x~y",
      `${randomUUID()}.mp4%2500`,
      "%252e%252e",
    ];
    for (const method of ["HEAD", "PATCH", "DELETE"]) {
      for (const uploadId of ids) {
        const headers = [
          "Tus-Resumable: 1.0.0",
          "Upload-Offset: 0",
          "Content-Type: application/offset+octet-stream",
        ];
        const answer = await call(
          method,
          `/tus/${uploadId}`,
          headers,
          method === "PATCH" ? utf8.encode("x") : undefined,
        );
        expectTusAnswer(answer, [404], `${method} ${uploadId}`);
      }
    }
  });

  it("GET /tus/{id}/media answers 404 for junk and traversal ids", async () => {
    await fc.assert(
      fc.asyncProperty(id, async (uploadId) => {
        expectDocumented(await call("GET", `/tus/${uploadId}/media`, []), [404], uploadId);
      }),
      { numRuns: 50 },
    );
  });
});

describe("forged access tokens", () => {
  it("every guarded ingest route answers 401 with the JSON error body", async () => {
    const forged = await forgedAccessTokens(world.issuer, world.nc);
    const revoked = forged.find((f) => f.attack === "revoked jti")?.token;
    await eventually(
      async () => (await call("GET", "/pipeline", [], undefined, revoked)).status === 401,
      "revocation",
    );
    for (const { attack, token } of forged) {
      for (const [method, path] of [
        ["POST", "/upload"],
        ["POST", "/tus/"],
        ["PATCH", `/tus/${randomUUID()}.mp4`],
        ["GET", "/pipeline"],
        ["GET", `/tus/${randomUUID()}.mp4/media`],
      ] as const) {
        expectDocumented(
          await call(method, path, ["Tus-Resumable: 1.0.0"], undefined, token),
          [401],
          `${attack}: ${method} ${path}`,
        );
      }
    }
  });
});

describe("NATS input ingest listens to", () => {
  it("the media-deleted consumer terminates garbage and still cleans up after a valid event", async () => {
    const { stream, durable } = CONSUMERS.mediaCleanup;
    let last = 0;
    for (const data of fc.sample(garbagePayload, { numRuns: 40, seed: 11 })) {
      last = (await world.nc.jetstream().publish("catalogue.events.media.deleted", data)).seq;
    }
    await eventually(async () => {
      const info = await world.jsm.consumers.info(stream, durable);
      return info.ack_floor.stream_seq >= last && info.num_ack_pending === 0;
    }, "every garbage event to be settled");
    expect((await world.jsm.consumers.info(stream, durable)).num_redelivered).toBe(0);

    const mediaId = randomUUID();
    await world.put(`${mediaId}.mp4`, "bytes");
    await world.nc.jetstream().publish(
      "catalogue.events.media.deleted",
      utf8.encode(
        JSON.stringify({
          event_id: randomUUID(),
          type: "media.deleted",
          schema_version: 1,
          occurred_at: new Date().toISOString(),
          media_id: mediaId,
        }),
      ),
    );
    await eventually(
      async () => !(await world.keys(mediaId)).length,
      "the deleted item's file to go",
    );
  });

  it("garbage on the tus lock-release subject leaves ingest serving", async () => {
    for (const data of fc.sample(garbagePayload, { numRuns: 30, seed: 5 })) {
      world.nc.publish(SUBJECTS.tusLockRelease(randomUUID()), data);
      world.nc.publish(SUBJECTS.tusLockRelease(`${randomUUID()}.mp4`), data);
    }
    await world.nc.flush();
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});

describe("after all of the above", () => {
  it("ingest is alive and still accepts a valid tus upload", async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const meta = `filename ${Buffer.from("v.mp4").toString("base64")},title ${Buffer.from("T").toString("base64")}`;
    const created = await call("POST", "/tus/", [
      "Tus-Resumable: 1.0.0",
      `Upload-Length: ${MP4_HEAD.length}`,
      `Upload-Metadata: ${meta}`,
    ]);
    expect(created.status).toBe(201);
  });
});

/** tus answers its own protocol errors as text (tus 1.0.0); ours are the JSON error body. */
function expectTusAnswer(answer: RawAnswer, allowed: number[], what: string) {
  if (what.startsWith("HEAD")) return void expect(allowed, what).toContain(answer.status); // no body
  expect(allowed, `${what} answered ${answer.status} ${answer.body.subarray(0, 200)}`).toContain(
    answer.status,
  );
  if (/json/.test(answer.headers["content-type"] ?? "")) expectDocumented(answer, allowed, what);
}
