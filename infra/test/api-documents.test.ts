// The API documents as the four HTTP edges serve them: each is valid OpenAPI 3.1, has
// its /docs page, and documents exactly the routes API.md gives that edge — and every
// documented route is answered by the edge (not by its "no route" fallback).
import { generateKeyPairSync } from "node:crypto";
import { asyncApiDocument, createLogger, openApiProblems } from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAuth } from "../../svc-auth/src/app.ts";
import { AuthEnv } from "../../svc-auth/src/config.ts";
import { startCatalogue } from "../../svc-catalogue/src/app.ts";
import { CatalogueEnv } from "../../svc-catalogue/src/config.ts";
import { startIngest } from "../../svc-ingest/src/app.ts";
import { IngestEnv } from "../../svc-ingest/src/config.ts";
import { startStreaming } from "../../svc-streaming/src/app.ts";
import { StreamingEnv } from "../../svc-streaming/src/config.ts";
import { createTestDatabase, startTestNats, type TestNats, testS3 } from "../src/testing/index.ts";

const logger = createLogger("api-documents-test", "silent");

/** API.md, per edge: every route it serves (the documents' own routes aside). */
const API_MD: Record<string, string[]> = {
  auth: [
    "POST /register",
    "POST /login",
    "POST /refresh",
    "POST /logout",
    "GET /me",
    "GET /jwks.json",
  ],
  catalogue: [
    "GET /",
    "GET /{id}",
    "PATCH /{id}",
    "DELETE /{id}",
    "POST /{id}/stream-token",
    "GET /events",
    "GET /asyncapi.json",
  ],
  stream: [
    "GET /{token}",
    "HEAD /{token}",
    "GET /thumbnails/{media_id}.jpg",
    "HEAD /thumbnails/{media_id}.jpg",
  ],
  ingest: [
    "POST /upload",
    "OPTIONS /tus",
    "OPTIONS /tus/{id}",
    "POST /tus",
    "HEAD /tus/{id}",
    "PATCH /tus/{id}",
    "DELETE /tus/{id}",
    "GET /tus/{id}/media",
    "GET /pipeline",
  ],
};

/** Values that match each path parameter's pattern (routes must match to answer). */
const SAMPLE: Record<string, string> = {
  id: "6f1c2b9e-0d4a-4c7e-9b3a-2f5e8d1c0a7b",
  media_id: "6f1c2b9e-0d4a-4c7e-9b3a-2f5e8d1c0a7b",
  token: "A".repeat(43),
};

let nats: TestNats;
const ports: Record<string, number> = {};
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  nats = await startTestNats();
  const base = { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", NATS_URL: nats.url };
  const s3 = testS3();
  const buckets = await s3.createTestBuckets();
  const s3Env = {
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_BUCKET_MEDIA: buckets.media,
    S3_BUCKET_THUMBNAILS: buckets.thumbnails,
  };
  const pem = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  // Auth first: it publishes the keys the other edges' verifiers load.
  const auth = await startAuth(
    AuthEnv.parse({
      ...base,
      DATABASE_URL: await createTestDatabase("docs_auth"),
      JWT_PRIVATE_KEY: pem,
    }),
    { logger },
  );
  closers.push(auth.close);
  ports.auth = auth.port;
  const catalogue = await startCatalogue(
    CatalogueEnv.parse({ ...base, DATABASE_URL: await createTestDatabase("docs_catalogue") }),
    { logger },
  );
  closers.push(catalogue.close);
  ports.catalogue = catalogue.port;
  const streaming = await startStreaming(StreamingEnv.parse({ ...base, ...s3Env }), { logger });
  closers.push(streaming.close);
  ports.stream = streaming.port;
  const ingest = await startIngest(IngestEnv.parse({ ...base, ...s3Env }), { logger });
  closers.push(ingest.close);
  ports.ingest = ingest.port;
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await nats?.stop();
});

describe.each(Object.keys(API_MD))("the %s edge", (edge) => {
  const root = () => `http://127.0.0.1:${ports[edge]}`;
  const base = `/api/v1/${edge}`;
  let doc: { paths: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    const res = await fetch(`${root()}${base}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as typeof doc;
  });

  it("serves a valid OpenAPI 3.1 document", () => {
    expect(openApiProblems(doc)).toEqual([]);
  });

  it("documents exactly the routes API.md gives it", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.slice(base.length)}`),
    );
    expect(documented.sort()).toEqual([...(API_MD[edge] ?? [])].sort());
  });

  it("answers every documented route itself (never the no-route fallback)", async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const url = root() + path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE[name] ?? "x");
      for (const method of Object.keys(ops)) {
        const res = await fetch(url, { method: method.toUpperCase(), redirect: "manual" });
        const body = await res.text();
        // A HEAD 404 has no body to tell a route's 404 from the fallback's: its GET twin
        // tells. (Hono dispatches HEAD as GET, so a HEAD-only route never matches at all.)
        if (method === "head" && res.status === 404) {
          expect(Object.keys(ops), `HEAD ${path} → 404 and no GET twin`).toContain("get");
          continue;
        }
        expect(body, `${method} ${path} → ${res.status}`).not.toMatch(/no route for/);
      }
    }
  });

  it("serves the interactive reference without inline script", async () => {
    const page = await fetch(`${root()}${base}/docs`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<script src="docs.js"></script>');
    expect(html).not.toMatch(/<script>/);
    const script = await fetch(`${root()}${base}/docs.js`);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
  });
});

describe("the AsyncAPI document over HTTP", () => {
  it("is served by the catalogue edge, as generated from the contracts", async () => {
    const res = await fetch(`http://127.0.0.1:${ports.catalogue}/api/v1/catalogue/asyncapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(asyncApiDocument())));
  });
});
