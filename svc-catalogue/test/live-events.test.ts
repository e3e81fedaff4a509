import { CatalogueEvent } from "@streamstack/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSse } from "./sse.ts";
import { type CatalogueWorld, startCatalogueWorld } from "./support.ts";

let world: CatalogueWorld;
beforeAll(async () => {
  world = await startCatalogueWorld({ SSE_HEARTBEAT_MS: "100" });
});
afterAll(() => world?.close());

const events = (token: string, extra: Record<string, string> = {}) =>
  openSse(`${world.base}/events`, { authorization: `Bearer ${token}`, ...extra });

describe("GET /events (Server-Sent Events for admins)", () => {
  it("is for admins, by Authorization header only", async () => {
    const viewer = await events(world.tokens.viewer);
    expect(viewer.res.status).toBe(403);
    const none = await fetch(`${world.base}/events`);
    expect(none.status).toBe(401);
    const inQuery = await fetch(`${world.base}/events?access_token=${world.tokens.admin}`);
    expect(inQuery.status).toBe(401);
  });

  it("delivers media.updated after a PATCH, as a valid CatalogueEvent", async () => {
    const item = await world.published({ title: "Live" });
    const sse = await events(world.tokens.admin);
    try {
      expect(sse.res.status).toBe(200);
      expect(sse.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(await sse.until((f) => f.comment === "connected")).toBeDefined();
      await world.api("PATCH", `/${item.id}`, { body: { title: "Live, renamed" } });
      const frame = await sse.until((f) => f.event === "media.updated");
      const event = CatalogueEvent.parse(JSON.parse(frame?.data ?? "null"));
      expect(event).toMatchObject({
        type: "media.updated",
        media: { id: item.id, title: "Live, renamed" },
      });
      expect(frame?.id).toMatch(/^\d+$/);
      // Events of the pipeline arrive too: a new upload, then its publication.
      const { item: next } = await world.create({ title: "Second" });
      await world.succeeded(next.id);
      const published = await sse.until((f) => f.event === "media.published");
      expect(JSON.parse(published?.data ?? "{}").media.id).toBe(next.id);
    } finally {
      sse.close();
    }
  });

  it("sends heartbeat comments on an idle stream", async () => {
    const sse = await events(world.tokens.admin);
    try {
      expect(await sse.until((f) => f.comment === "heartbeat")).toBeDefined();
    } finally {
      sse.close();
    }
  });

  it("resumes after Last-Event-ID", async () => {
    const { item } = await world.create({ title: "Resume" });
    const [created] = await world.eventsFor(item.id);
    await world.succeeded(item.id);
    await world.eventsRelayed();
    const sse = await events(world.tokens.admin, { "last-event-id": String(created?.seq) });
    try {
      const first = await sse.until((f) => f.event !== undefined);
      expect(first).toMatchObject({
        event: "media.published",
        id: String((created?.seq ?? 0) + 1),
      });
    } finally {
      sse.close();
    }
  });

  it("ends open streams when the service shuts down", async () => {
    const sse = await events(world.tokens.admin);
    expect(await sse.until((f) => f.comment === "connected")).toBeDefined();
    await world.restart(); // would hang here if the open stream kept the server alive
    expect(await sse.until(() => false)).toBeUndefined(); // the stream has ended
  });
});
