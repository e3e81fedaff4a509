import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogueWorld, startCatalogueWorld } from "./support.ts";

let world: CatalogueWorld;
beforeAll(async () => {
  world = await startCatalogueWorld();
});
afterAll(() => world?.close());

describe("ops and API documents", () => {
  const root = () => `http://127.0.0.1:${world.port}`;

  it("reports health, readiness of NATS and Postgres, and metrics", async () => {
    expect((await fetch(`${root()}/healthz`)).status).toBe(200);
    const ready = await fetch(`${root()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { nats: "ok", db: "ok" } });
    await world.api("GET", "/");
    const metrics = await (await fetch(`${root()}/metrics`)).text();
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/catalogue\/?"/,
    );
    // The lag of its results consumer, read from JetStream at scrape time.
    for (const gauge of ["num_pending", "num_ack_pending", "num_redelivered"]) {
      expect(metrics).toMatch(
        new RegExp(
          `^jetstream_consumer_${gauge}\\{stream="THUMBNAILER_EVENTS",consumer="catalogue-results"[^}]*\\} \\d+$`,
          "m",
        ),
      );
    }
  });

  it("serves its OpenAPI document and an interactive reference without auth", async () => {
    const doc = JSON.parse(await (await fetch(`${world.base}/openapi.json`)).text());
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/v1/catalogue/",
      "/api/v1/catalogue/asyncapi.json",
      "/api/v1/catalogue/events",
      "/api/v1/catalogue/{id}",
      "/api/v1/catalogue/{id}/stream-token",
    ]);
    const list = doc.paths["/api/v1/catalogue/"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual([
      "limit",
      "cursor",
      "q",
      "status",
    ]);
    const docs = await fetch(`${world.base}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("StreamStack catalogue API");
    const asyncApi = JSON.parse(await (await fetch(`${world.base}/asyncapi.json`)).text());
    expect(asyncApi.asyncapi).toMatch(/^3\./);
    expect(Object.keys(asyncApi.channels)).toContain("mediaUpdated");
  });
});
