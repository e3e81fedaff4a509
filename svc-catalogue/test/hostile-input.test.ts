import { randomUUID } from "node:crypto";
import { CONSUMERS, MediaItem, RPC, SUBJECTS } from "@streamstack/contracts/server";
import {
  almost,
  badPercentEncoding,
  expectDocumented,
  forgedAccessTokens,
  garbagePayload,
  hostileQueryValue,
  hostileText,
  invalidUtf8Bytes,
  requestRaw,
  sendRaw,
  traversal,
} from "@streamstack/infra";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSse } from "./sse.ts";
import { type CatalogueWorld, eventually, startCatalogueWorld } from "./support.ts";

// "Bad input at every edge: only documented 4xx answers, never a 5xx or a crash" (issue 7),
// for the catalogue's HTTP routes, its two RPCs and its processing-results consumer.
let world: CatalogueWorld;
let published: MediaItem;
let processing: MediaItem;
beforeAll(async () => {
  world = await startCatalogueWorld();
  published = await world.published({ title: "Orbit of the moon", description: "a test" });
  processing = (await world.create({ title: "Still processing" })).item;
});
afterAll(() => world?.close());

const BASE = "/api/v1/catalogue";
const utf8 = new TextEncoder();

/** One request with exactly these bytes, as admin unless told otherwise. */
function call(
  method: string,
  path: string,
  opts: { token?: string | null; headers?: string[]; body?: Uint8Array } = {},
) {
  const token = opts.token === undefined ? world.tokens.admin : opts.token;
  const lines = [`${method} ${path} HTTP/1.1`, ...(opts.headers ?? [])];
  if (token) lines.push(`Authorization: Bearer ${token}`);
  return sendRaw(world.port, lines.join("\r\n"), opts.body);
}

/** An id path segment: traversal, invalid encodings, junk, or an unknown uuid (never empty: that is the list). */
const hostileId = fc
  .oneof(
    traversal,
    badPercentEncoding,
    hostileText.map((t) => encodeURIComponent(t).slice(0, 3000)),
    fc.uuid().map((id) => id.toUpperCase().replace(/-/g, "")),
    fc.uuid(),
  )
  .filter((id) => id !== "");

describe("GET /api/v1/catalogue with hostile query parameters", () => {
  it("answers 200 or 400 with the JSON error body, never a 5xx", async () => {
    const param = fc.constantFrom("q", "cursor", "limit", "status");
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(param, hostileQueryValue), { minLength: 1, maxLength: 4 }),
        fc.constantFrom("admin", "viewer"),
        async (params, role) => {
          const query = params.map(([k, v]) => `${k}=${v}`).join("&");
          const answer = await call("GET", `${BASE}?${query}`, {
            token: world.tokens[role as "admin" | "viewer"],
          });
          expectDocumented(answer, [200, 400], query.slice(0, 200));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a query past the header size limit is refused by the HTTP server itself (431), not crashed on", async () => {
    const answer = await call("GET", `${BASE}?q=${"%F0%9F%98%80".repeat(2000)}`);
    expect(answer.status).toBe(431);
    expect((await call("GET", BASE)).status).toBe(200);
  });

  it("repeated and array-like parameters are answered, not crashed on", async () => {
    for (const query of [
      "q=a&q=b",
      "limit=1&limit=2",
      "limit[]=1",
      "status[a]=x",
      "cursor=&cursor=x",
      "limit=1e2",
      "limit=0x10",
      "limit=-0",
    ]) {
      expectDocumented(await call("GET", `${BASE}/?${query}`), [200, 400], query);
    }
  });
});

describe("GET, PATCH, DELETE /{id} and POST /{id}/stream-token with hostile ids", () => {
  it("answers 404 for anything that is not an existing item's id", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileId,
        fc.constantFrom("GET", "PATCH", "DELETE", "POST"),
        async (id, method) => {
          const path = method === "POST" ? `${BASE}/${id}/stream-token` : `${BASE}/${id}`;
          const body = method === "PATCH" ? utf8.encode(JSON.stringify({ title: "x" })) : undefined;
          const headers = method === "PATCH" ? ["Content-Type: application/json"] : [];
          const answer = await call(method, path, { headers, ...(body ? { body } : {}) });
          // The edge reads paths as the URL standard does: dot segments (`.`, `%2e`) are
          // resolved, so `/catalogue/.` is the list and `/catalogue/..` leaves the API (404).
          const resolved = new URL(path, "http://edge").pathname.replace(/\/$/, "");
          const allowed = method === "GET" && resolved === BASE ? [200] : [404];
          expectDocumented(answer, allowed, `${method} ${path}`);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a stream token for an item still processing is a 409, and its id in capitals names it too", async () => {
    const answer = await call("POST", `${BASE}/${processing.id.toUpperCase()}/stream-token`);
    expectDocumented(answer, [409]);
  });
});

describe("PATCH /{id} with hostile bodies", () => {
  const validUpdate = { title: "A title", description: "A description" };
  const body = fc.oneof(
    almost(validUpdate).map((v) => utf8.encode(JSON.stringify(v))),
    fc.jsonValue().map((v) => utf8.encode(JSON.stringify(v))),
    fc.string().map((s) => utf8.encode(s)),
    invalidUtf8Bytes,
    // Invalid UTF-8 inside a JSON string: the decoder's replacement must not turn into a 500.
    invalidUtf8Bytes.map((b) =>
      Uint8Array.from([...utf8.encode('{"title":"'), ...b, ...utf8.encode('"}')]),
    ),
    fc.constant(new Uint8Array()),
    fc
      .integer({ min: 100_000, max: 2_000_000 })
      .map((n) => utf8.encode(JSON.stringify({ title: "t".repeat(n) }))),
  );
  const contentType = fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=latin1",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "",
    undefined,
  );

  it("answers 200, 400, 413 or 415 with the JSON error body, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, async (bytes, type) => {
        const headers = type === undefined ? [] : [`Content-Type: ${type}`];
        const answer = await call("PATCH", `${BASE}/${published.id}`, { headers, body: bytes });
        expectDocumented(answer, [200, 400, 413, 415], `${type} ${bytes.subarray(0, 80)}`);
        if (answer.status === 200) MediaItem.parse(JSON.parse(answer.body.toString()));
      }),
      { numRuns: 80 },
    );
  });

  it("a viewer cannot edit or delete, whatever the body: 403", async () => {
    for (const method of ["PATCH", "DELETE"]) {
      const answer = await call(method, `${BASE}/${published.id}`, {
        token: world.tokens.viewer,
        headers: ["Content-Type: application/json"],
        body: utf8.encode('{"title":"mine now"}'),
      });
      expectDocumented(answer, [403], method);
    }
  });
});

describe("GET /events with a hostile Last-Event-ID", () => {
  it("opens the event stream (an unusable id means: from now on), never a 5xx", async () => {
    const lastEventId = fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
      fc.constantFrom("-1", "0", "1e9", "NaN", "", " ", "9007199254740993", "999999999999999"),
      hostileText.map((s) => s.replace(/[\r\n\0]/g, "").slice(0, 1000)),
    );
    await fc.assert(
      fc.asyncProperty(lastEventId, async (id) => {
        const abort = new AbortController();
        const res = await fetch(`${world.base}/events`, {
          headers: {
            authorization: `Bearer ${world.tokens.admin}`,
            "last-event-id": encodeLatin1(id),
          },
          signal: abort.signal,
        });
        expect(res.status, id).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
        abort.abort();
      }),
      { numRuns: 50 },
    );
  });
});

describe("GET /events with garbage on the event stream", () => {
  it("skips what is not a catalogue event and keeps streaming the real ones", async () => {
    const sse = await openSse(`${world.base}/events`, {
      authorization: `Bearer ${world.tokens.admin}`,
    });
    try {
      expect(await sse.until((f) => f.comment === "connected")).toBeDefined();
      for (const data of fc.sample(garbagePayload, { numRuns: 30, seed: 17 })) {
        await world.js.publish(SUBJECTS.catalogueEvent("media.updated"), data);
      }
      const { item } = await world.create({ title: "After the garbage" });
      const frame = await sse.until((f) => f.event === "media.created");
      expect(JSON.parse(frame?.data ?? "{}").media.id).toBe(item.id);
      // Only real events reached the client.
      expect(sse.frames.filter((f) => f.event && f.event !== "media.created")).toEqual([]);
    } finally {
      sse.close();
    }
  });
});

describe("forged access tokens at every route", () => {
  it("answer 401 with the JSON error body", async () => {
    const forged = await forgedAccessTokens(world.issuer, world.nc);
    const revoked = forged.find((f) => f.attack === "revoked jti")?.token;
    // Revocation reaches the verifier through a KV watch: wait until it has.
    await eventually(
      async () => (await call("GET", BASE, { token: revoked })).status === 401,
      "revocation",
    );
    const routes = [
      ["GET", BASE],
      ["GET", `${BASE}/${published.id}`],
      ["PATCH", `${BASE}/${published.id}`],
      ["DELETE", `${BASE}/${published.id}`],
      ["POST", `${BASE}/${published.id}/stream-token`],
      ["GET", `${BASE}/events`],
    ] as const;
    for (const { attack, token } of forged) {
      for (const [method, path] of routes) {
        expectDocumented(
          await call(method, path, { token }),
          [401],
          `${attack}: ${method} ${path}`,
        );
      }
    }
  });
});

describe("catalogue RPCs with hostile payloads", () => {
  const validCreate = validCreateOf(randomUUID());
  const payload = fc.oneof(
    garbagePayload,
    almost(validCreate).map((v) => utf8.encode(JSON.stringify(v))),
  );

  it.each([RPC.mediaCreate, RPC.mediaGet])(
    "$subject answers a 400 (or a success), never crashes, then serves",
    async (def) => {
      await fc.assert(
        fc.asyncProperty(payload, async (data) => {
          const reply = await requestRaw(world.nc, def.subject, data, {
            accessToken: world.tokens.admin,
          });
          if (reply.code === undefined)
            def.response.parse(JSON.parse(new TextDecoder().decode(reply.data)));
          else expect([400, 404, 409], reply.message).toContain(reply.code);
        }),
        { numRuns: 80 },
      );
      // Still serving valid requests afterwards.
      const { item } = await world.create();
      expect(
        (
          await requestRaw(
            world.nc,
            SUBJECTS.mediaGet,
            utf8.encode(JSON.stringify({ media_id: item.id })),
          )
        ).code,
      ).toBeUndefined();
    },
  );
});

describe("catalogue.rpc.media.create with a key outside the media bucket", () => {
  it("refuses it with 400: no item can point a stream token at another bucket", async () => {
    for (const s3_key of [
      "../thumbnails/x.jpg",
      "./x.mp4",
      "/x.mp4",
      "a/../../b.mp4",
      "x\u0000.mp4",
    ]) {
      const data = utf8.encode(JSON.stringify({ ...validCreateOf(randomUUID()), s3_key }));
      expect((await requestRaw(world.nc, SUBJECTS.mediaCreate, data)).code, s3_key).toBe(400);
    }
  });
});

describe("processing results consumer with garbage messages", () => {
  it("terminates them (no endless redelivery) and applies a valid result afterwards", async () => {
    const { stream, durable } = CONSUMERS.processingResults;
    const samples = fc.sample(
      fc.oneof(
        garbagePayload,
        almost({
          outcome: "succeeded",
          media_id: processing.id,
          thumbnail_key: "x.jpg",
          finished_at: new Date().toISOString(),
          probe: {},
        }).map((v) => utf8.encode(JSON.stringify(v))),
      ),
      { numRuns: 60, seed: 7 },
    );
    let last = 0;
    for (const data of samples)
      last = (await world.js.publish(SUBJECTS.processingResult, data)).seq;
    await eventually(async () => {
      const info = await world.jsm.consumers.info(stream, durable);
      return info.ack_floor.stream_seq >= last && info.num_ack_pending === 0;
    }, "every garbage result to be settled");
    const info = await world.jsm.consumers.info(stream, durable);
    expect(info.num_redelivered).toBe(0);

    const { item } = await world.create();
    await world.succeeded(item.id);
    expect((await world.api<MediaItem>("GET", `/${item.id}`)).body.status).toBe("published");
  });
});

describe("after all of the above", () => {
  it("the catalogue is still alive", async () => {
    const res = await fetch(`http://127.0.0.1:${world.port}/healthz`);
    expect(res.status).toBe(200);
  });
});

/** What ingest sends for a new upload. */
function validCreateOf(media_id: string) {
  return {
    media_id,
    title: "From ingest",
    description: "",
    s3_key: `${media_id}.mp4`,
    size_bytes: 10,
    content_type: "video/mp4",
  };
}

/** Header values must be latin1 for fetch: keep what fits, replace the rest. */
function encodeLatin1(s: string) {
  return s.replace(/[^\x20-\x7e\x80-\xff]/g, "?");
}
