import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCatalogueDatabase } from "../src/db/database.ts";
import { updateMedia } from "../src/db/media-commands.ts";
import { type CatalogueWorld, startCatalogueWorld } from "./support.ts";

let world: CatalogueWorld;
beforeAll(async () => {
  world = await startCatalogueWorld();
});
afterAll(() => world?.close());

describe("event outbox", () => {
  it("publishes an event committed just before a crash once the service is back", async () => {
    const item = await world.published({ title: "Before the crash" });
    await world.stop();
    // Exactly what the service commits for an edit, with no relay running to publish it:
    // the state of a process that died between its commit and its publish.
    const database = await openCatalogueDatabase(world.config.DATABASE_URL);
    try {
      await updateMedia(database.db, item.id, { title: "Committed, not yet published" });
    } finally {
      await database.close();
    }
    const [pending] = await world.sql<
      { n: number }[]
    >`select count(*)::int as n from catalogue_outbox`;
    expect(pending?.n).toBe(1);
    await world.start();
    const events = await world.eventsFor(item.id);
    expect(events.map((e) => e.event.type)).toEqual([
      "media.created",
      "media.published",
      "media.updated",
    ]);
    const updated = events[2]?.event;
    expect(updated?.type === "media.updated" && updated.media.title).toBe(
      "Committed, not yet published",
    );
  });

  it("relays from two replicas without losing, duplicating or reordering an item's events", async () => {
    await world.replica();
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        world.create({ media_id: randomUUID(), title: `Replica ${i}` }),
      ),
    );
    await Promise.all(created.map(({ item }) => world.succeeded(item.id)));
    const all = await world.streamEvents();
    for (const { item } of created) {
      const mine = all.filter(
        ({ event }) => event.type !== "media.deleted" && event.media.id === item.id,
      );
      expect(mine.map((e) => e.event.type)).toEqual(["media.created", "media.published"]);
    }
    // Both instances served creates (a queue group), so both relays had events to send.
    const perInstance: number[] = [];
    for await (const stats of await world.nc.services.client().stats("catalogue")) {
      const create = stats.endpoints?.find((e) => e.name === "media-create");
      perInstance.push(create?.num_requests ?? 0);
    }
    expect(perInstance.filter((n) => n > 0).length).toBe(2);
  });
});
