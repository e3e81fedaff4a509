import { ErrorBodySchema } from "@streamstack/contracts";
import { openApiProblems } from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startAuth } from "../src/app.ts";
import { type AuthWorld, silent, startAuthWorld } from "./support.ts";

let world: AuthWorld;
beforeAll(async () => {
  world = await startAuthWorld();
});
afterAll(() => world?.close());

const pgConnections = async () =>
  (
    await world.sql`select count(*)::int as n from pg_stat_activity where datname = current_database()`
  )[0]?.n as number;
// The server forgets a closed connection a moment after the client closed it: poll for the
// expected count (bounded), so a real leak still fails.
const settles = (check: () => Promise<void>) =>
  vi.waitFor(check, { timeout: 10_000, interval: 50 });

const natsConnections = async () =>
  ((await (await fetch(`${world.nats.monitorUrl}/connz`)).json()) as { num_connections: number })
    .num_connections;

describe("ops routes", () => {
  it("/healthz answers ok and /readyz checks NATS and Postgres", async () => {
    const health = await world.client.call("GET", "/healthz");
    expect(health.status).toBe(200);
    const ready = await world.client.call("GET", "/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { nats: "ok", db: "ok" } });
  });

  it("/metrics exposes request and sign-in metrics in Prometheus text", async () => {
    await world.client.login("nobody@example.com", "wrong-password");
    const res = await world.client.call("GET", "/metrics");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/auth_outcomes_total\{event="login",outcome="failed",service="auth"\} 1/);
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/auth\/login"/,
    );
  });

  it("echoes the request id and answers unknown routes with a JSON 404", async () => {
    const res = await world.client.call("GET", "/api/v1/auth/nope", undefined, {
      "x-request-id": "req-42",
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("req-42");
    expect(ErrorBodySchema.parse(await res.json()).error.code).toBe("not_found");
  });
});

describe("start-up failures", () => {
  it("does not start with an unusable key (checked before connecting anything)", async () => {
    const config = world.configFor({ JWT_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nnope" });
    await expect(startAuth(config, { logger: silent })).rejects.toThrow(/not a PEM private key/);
  });

  it("a start that fails half-way (Postgres unreachable) leaves no NATS connection behind", async () => {
    const before = await natsConnections();
    const config = world.configFor({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/auth" });
    await expect(startAuth(config, { logger: silent })).rejects.toThrow();
    await settles(async () => expect(await natsConnections()).toBe(before));
  });
});

describe("shutdown", () => {
  it("close() stops HTTP and releases its NATS connection and Postgres pool", async () => {
    const before = { pg: await pgConnections(), nats: await natsConnections() };
    const { auth, client } = await world.start();
    await client.register("shutdown@example.com", "long-enough"); // uses the pool
    expect(await pgConnections()).toBeGreaterThan(before.pg);
    await settles(async () => expect(await natsConnections()).toBe(before.nats + 1));
    await auth.close();
    await expect(client.call("GET", "/healthz")).rejects.toThrow();
    await settles(async () => expect(await natsConnections()).toBe(before.nats));
    await settles(async () => expect(await pgConnections()).toBe(before.pg));
  });
});

describe("API documents", () => {
  it("serves an OpenAPI 3.1 document covering every auth route, and the docs page", async () => {
    const res = await world.client.call("GET", "/api/v1/auth/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(openApiProblems(doc)).toEqual([]);
    const ops = Object.entries(doc.paths).flatMap(([p, o]) =>
      Object.keys(o).map((m) => `${m} ${p}`),
    );
    expect(ops.sort()).toEqual(
      [
        "get /api/v1/auth/jwks.json",
        "get /api/v1/auth/me",
        "post /api/v1/auth/login",
        "post /api/v1/auth/logout",
        "post /api/v1/auth/refresh",
        "post /api/v1/auth/register",
      ].sort(),
    );
    expect(doc.paths["/api/v1/auth/login"]?.post).toMatchObject({
      requestBody: {
        content: { "application/json": { schema: { required: ["email", "password"] } } },
      },
      responses: { 429: { description: expect.any(String) } },
    });
    const page = await world.client.call("GET", "/api/v1/auth/docs");
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain('<script src="docs.js"></script>');
    const script = await world.client.call("GET", "/api/v1/auth/docs.js");
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    const source = await script.text();
    expect(() => new Function(source)).not.toThrow(); // parses (it only runs in a browser)
  });
});
