import { randomUUID } from "node:crypto";
import { isAppError, type MediaItem, RPC, request } from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogueWorld, startCatalogueWorld } from "./support.ts";

let world: CatalogueWorld;
beforeAll(async () => {
  world = await startCatalogueWorld();
});
afterAll(() => world?.close());

const types = async (id: string) => (await world.eventsFor(id)).map((e) => e.event.type);
const item = async (id: string) => (await world.api<MediaItem>("GET", `/${id}`)).body;

describe("media create (RPC for ingest)", () => {
  it("records the upload as processing and announces it once", async () => {
    const id = randomUUID();
    const first = await world.create({
      media_id: id,
      title: "  First upload ",
      description: "desc",
    });
    expect(first.created).toBe(true);
    expect(first.item).toMatchObject({
      id,
      title: "First upload",
      status: "processing",
      size_bytes: 1234,
    });
    const again = await world.create({ media_id: id, title: "First upload", description: "desc" });
    expect(again).toEqual({ item: first.item, created: false });
    expect(await types(id)).toEqual(["media.created"]);
  });

  it("is idempotent under concurrent duplicates", async () => {
    const id = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => world.create({ media_id: id })),
    );
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.item.created_at)).size).toBe(1);
    expect(await types(id)).toEqual(["media.created"]);
  });

  it("refuses to reuse a media id for another object (409)", async () => {
    const id = randomUUID();
    await world.create({ media_id: id });
    const err = await world.create({ media_id: id, s3_key: "media/other.mp4" }).catch((e) => e);
    expect(isAppError(err) && err.code).toBe("conflict");
  });

  it("refuses an invalid request with invalid_request", async () => {
    const err = await request(world.nc, RPC.mediaCreate, {
      media_id: randomUUID(),
      title: "x",
      s3_key: "k",
      size_bytes: 1,
      content_type: "video/mp4",
    })
      .then(() => undefined)
      .catch((e) => e);
    expect(err).toBeUndefined(); // valid baseline
    const raw = await world.nc.request(
      RPC.mediaCreate.subject,
      new TextEncoder().encode('{"media_id":"x"}'),
    );
    expect(raw.headers?.get("Nats-Service-Error-Code")).toBe("400");
  });

  it("serves media get for any status, 404 for unknown ids", async () => {
    const { item: created } = await world.create();
    const got = await request(world.nc, RPC.mediaGet, { media_id: created.id });
    expect(got.item).toEqual(created);
    const err = await request(world.nc, RPC.mediaGet, { media_id: randomUUID() }).catch((e) => e);
    expect(isAppError(err) && err.code).toBe("not_found");
  });
});

describe("processing results", () => {
  it("publishes with metadata and thumbnail, once, however often the result arrives", async () => {
    const { item: created } = await world.create({ title: "Result twice" });
    await world.succeeded(created.id, { width: 1280, height: 720 });
    const published = await item(created.id);
    expect(published).toMatchObject({
      status: "published",
      width: 1280,
      height: 720,
      duration_s: 10,
      video_codec: "h264",
      thumbnail_url: `/api/v1/stream/thumbnails/${created.id}.jpg`,
    });
    expect(published.published_at).not.toBeNull();
    // A redelivered copy (even with other numbers) changes nothing and announces nothing.
    await world.succeeded(created.id, { width: 320, height: 240 });
    expect(await item(created.id)).toEqual(published);
    expect(await types(created.id)).toEqual(["media.created", "media.published"]);
  });

  it("never lets a late failure undo a publication", async () => {
    const { item: created } = await world.create();
    await world.succeeded(created.id);
    const published = await item(created.id);
    await world.failed(created.id, "late and wrong");
    expect(await item(created.id)).toEqual(published);
    expect(await types(created.id)).toEqual(["media.created", "media.published"]);
  });

  it("fails with the reason, and a late success does not revive it", async () => {
    const { item: created } = await world.create();
    await world.failed(created.id, "moov atom not found");
    await world.failed(created.id, "moov atom not found");
    const failed = await item(created.id);
    expect(failed).toMatchObject({
      status: "failed",
      failure_reason: "moov atom not found",
      published_at: null,
    });
    await world.succeeded(created.id);
    expect(await item(created.id)).toEqual(failed);
    expect(await types(created.id)).toEqual(["media.created", "media.failed"]);
  });

  it("acknowledges results for unknown or deleted items and moves on", async () => {
    await world.succeeded(randomUUID()); // resolves only once acknowledged
    const { item: created } = await world.create();
    expect((await world.api("DELETE", `/${created.id}`)).status).toBe(204);
    await world.failed(created.id);
    expect(await types(created.id)).toEqual(["media.created", "media.deleted"]);
  });
});

describe("edit and delete", () => {
  it("lets admins edit title and description, announcing each edit", async () => {
    const published = await world.published({ title: "Old title" });
    const res = await world.api<MediaItem>("PATCH", `/${published.id}`, {
      body: { title: "  New title  ", description: "Now with words" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: "New title",
      description: "Now with words",
      status: "published",
    });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(
      Date.parse(published.updated_at),
    );
    // The new words are searchable at once.
    const found = await world.api<{ items: MediaItem[] }>("GET", "/?q=wor", {
      token: world.tokens.viewer,
    });
    expect(found.body.items.map((i) => i.id)).toContain(published.id);
    await world.api("PATCH", `/${published.id}`, { body: { description: "" } });
    const events = await world.eventsFor(published.id);
    expect(events.map((e) => e.event.type)).toEqual([
      "media.created",
      "media.published",
      "media.updated",
      "media.updated",
    ]);
    const updated = events[2]!.event;
    expect(updated.type === "media.updated" && updated.media.title).toBe("New title");
  });

  it("validates edits", async () => {
    const { item: created } = await world.create();
    const cases: Array<[unknown, number]> = [
      [{}, 400],
      [{ title: "" }, 400],
      [{ title: "x".repeat(201) }, 400],
      [{ status: "published" }, 400],
      [{ title: 5 }, 400],
    ];
    for (const [body, status] of cases) {
      expect(
        (await world.api("PATCH", `/${created.id}`, { body })).status,
        JSON.stringify(body),
      ).toBe(status);
    }
    const noJson = await fetch(`${world.base}/${created.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${world.tokens.admin}`, "content-type": "text/plain" },
      body: "title=x",
    });
    expect(noJson.status).toBe(415);
    expect((await world.api("PATCH", `/${randomUUID()}`, { body: { title: "x" } })).status).toBe(
      404,
    );
  });

  it("keeps viewers out of edits and deletes (403)", async () => {
    const { item: created } = await world.create();
    const token = world.tokens.viewer;
    expect(
      (await world.api("PATCH", `/${created.id}`, { token, body: { title: "x" } })).status,
    ).toBe(403);
    expect((await world.api("DELETE", `/${created.id}`, { token })).status).toBe(403);
  });

  it("deletes, announces media.deleted once, and forgets the item", async () => {
    const published = await world.published();
    expect((await world.api("DELETE", `/${published.id}`)).status).toBe(204);
    expect((await world.api("GET", `/${published.id}`)).status).toBe(404);
    expect((await world.api("DELETE", `/${published.id}`)).status).toBe(404);
    const events = await world.eventsFor(published.id);
    expect(events.map((e) => e.event.type)).toEqual([
      "media.created",
      "media.published",
      "media.deleted",
    ]);
    expect(events[2]!.event).toMatchObject({ type: "media.deleted", media_id: published.id });
  });
});

describe("catalogue events", () => {
  it("are schema-valid, on their type's subject, with Nats-Msg-Id = event_id, one per change", async () => {
    const all = await world.streamEvents(); // parses every message with CatalogueEvent
    expect(all.length).toBeGreaterThan(10);
    for (const { subject, msgId, event } of all) {
      expect(subject).toBe(`catalogue.events.${event.type}`);
      expect(msgId).toBe(event.event_id);
      expect(event.schema_version).toBe(1);
    }
    expect(new Set(all.map((e) => e.event.event_id)).size).toBe(all.length);
  });

  it("carry the item as it was at that change", async () => {
    const { item: created } = await world.create({ title: "Snapshot" });
    await world.succeeded(created.id);
    const [c, p] = await world.eventsFor(created.id);
    expect(c?.event).toMatchObject({
      type: "media.created",
      media: { status: "processing", thumbnail_url: null },
    });
    expect(p?.event).toMatchObject({
      type: "media.published",
      media: { status: "published", width: 640 },
    });
  });
});
