import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NginxServer, startNginx } from "../src/procs/nginx.ts";
import { freePort } from "../src/procs/ports.ts";

// Fake services that echo what the gateway sent them, so routing and headers can be checked.
interface Seen {
  url: string;
  headers: IncomingMessage["headers"];
  bodyBytes: number;
}
const seen: Record<string, Seen[]> = { auth: [], catalogue: [], streaming: [] };

function fakeService(name: string): Promise<Server> {
  const server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on("data", (chunk: Buffer) => {
      bodyBytes += chunk.length;
    });
    req.on("end", () => {
      seen[name]?.push({ url: req.url ?? "", headers: req.headers, bodyBytes });
      if (req.url?.startsWith("/api/v1/catalogue/events")) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: first\n\n"); // must reach the client now, not when the stream ends
        setTimeout(() => res.end("data: last\n\n"), 1_500);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ service: name, url: req.url }));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const dir = mkdtempSync(join(tmpdir(), "streamstack-gw-"));
const servers: Server[] = [];
let gateway: NginxServer;
let bare: NginxServer;
const addr = (s: Server) => `127.0.0.1:${(s.address() as AddressInfo).port}`;

beforeAll(async () => {
  const [auth, catalogue, streaming] = await Promise.all(
    ["auth", "catalogue", "streaming"].map(fakeService),
  );
  servers.push(auth!, catalogue!, streaming!);
  const ui = join(dir, "ui");
  mkdirSync(join(ui, "assets"), { recursive: true });
  writeFileSync(join(ui, "index.html"), "<!doctype html><title>StreamStack</title>");
  writeFileSync(join(ui, "assets", "app-1234.js"), "console.log(1)");
  const upstreams = {
    auth: addr(auth!),
    catalogue: addr(catalogue!),
    streaming: addr(streaming!),
    ingest: `127.0.0.1:${await freePort()}`, // nothing listens: the gateway must answer for it
  };
  [gateway, bare] = await Promise.all([
    startNginx({
      dataDir: join(dir, "gw"),
      port: await freePort(),
      upstreams,
      uiDir: ui,
      maxUploadBytes: 1_000,
    }),
    startNginx({
      dataDir: join(dir, "bare"),
      port: await freePort(),
      upstreams,
      uiDir: join(dir, "none"),
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([gateway?.stop(), bare?.stop()]);
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("gateway routing", () => {
  it("forwards the full URI with request id and forwarding headers", async () => {
    const res = await fetch(`${gateway.url}/api/v1/auth/login?next=%2Fx`, {
      method: "POST",
      body: "{}",
    });
    expect(await res.json()).toEqual({ service: "auth", url: "/api/v1/auth/login?next=%2Fx" });
    const got = seen.auth?.at(-1);
    expect(got?.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get("x-request-id")).toBe(got?.headers["x-request-id"]);
    expect(got?.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(got?.headers["x-forwarded-proto"]).toBe("http");
  });

  it("keeps a well-formed client request id and replaces a malformed one", async () => {
    await fetch(`${gateway.url}/api/v1/catalogue/`, { headers: { "x-request-id": "client-id-1" } });
    expect(seen.catalogue?.at(-1)?.headers["x-request-id"]).toBe("client-id-1");
    await fetch(`${gateway.url}/api/v1/catalogue/`, { headers: { "x-request-id": 'bad id"{}' } });
    expect(seen.catalogue?.at(-1)?.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
  });

  it("routes /api/v1/stream/ to streaming", async () => {
    const res = await fetch(`${gateway.url}/api/v1/stream/tok123`);
    expect(await res.json()).toEqual({ service: "streaming", url: "/api/v1/stream/tok123" });
  });

  it("delivers server-sent events as they happen", async () => {
    const started = Date.now();
    const res = await fetch(`${gateway.url}/api/v1/catalogue/events`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("data: first");
    expect(Date.now() - started).toBeLessThan(1_000);
    await reader.cancel();
  });

  it("answers API errors it makes itself in the API's JSON shape", async () => {
    const down = await fetch(`${gateway.url}/api/v1/ingest/upload`, { method: "POST", body: "x" });
    expect(down.status).toBe(502);
    expect(await down.json()).toMatchObject({ error: { code: "unavailable" } });
    const big = await fetch(`${gateway.url}/api/v1/catalogue/x`, {
      method: "POST",
      body: "x".repeat(5_000),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "payload_too_large" } });
    const unknown = await fetch(`${gateway.url}/api/v2/nothing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("gateway UI", () => {
  it("serves index.html uncached, for any client route, with security headers", async () => {
    for (const path of ["/", "/watch/abc"]) {
      const res = await fetch(`${gateway.url}${path}`);
      expect(await res.text()).toContain("<title>StreamStack</title>");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
  });

  it("caches hashed assets for a year and 404s missing ones", async () => {
    const res = await fetch(`${gateway.url}/assets/app-1234.js`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toMatch(/^application\/javascript/);
    expect((await fetch(`${gateway.url}/assets/missing.js`)).status).toBe(404);
  });

  it("says so in plain text when the UI is not built", async () => {
    const res = await fetch(`${bare.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toContain("UI is not built");
  });
});
