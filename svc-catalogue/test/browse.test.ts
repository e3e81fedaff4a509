import { randomUUID } from "node:crypto";
import type { MediaItem, MediaList } from "@streamstack/contracts";
import { MediaList as MediaListSchema } from "@streamstack/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogueWorld, startCatalogueWorld } from "./support.ts";

let world: CatalogueWorld;
beforeAll(async () => {
  world = await startCatalogueWorld();
});
afterAll(() => world?.close());

const ids = (list: MediaList) => list.items.map((i) => i.id);

describe("listing", () => {
  it("answers at /api/v1/catalogue with and without the trailing slash", async () => {
    const item = await world.published({ title: "Slash test" });
    for (const path of ["/", ""]) {
      const res = await world.api<MediaList>("GET", path);
      expect(res.status).toBe(200);
      expect(MediaListSchema.parse(res.body).items.map((i) => i.id)).toContain(item.id);
    }
  });

  it("refuses bad query parameters with 400 and details", async () => {
    for (const q of [
      "limit=abc",
      "limit=0",
      "limit=101",
      "limit=1.5",
      "status=deleted",
      "cursor=%%%",
      "cursor=bm9wZQ",
    ]) {
      const res = await world.api<{ error: { code: string } }>("GET", `/?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
    }
  });

  it("needs a valid token", async () => {
    expect((await world.api("GET", "/", { token: null })).status).toBe(401);
    expect((await world.api("GET", "/", { token: "not.a.jwt" })).status).toBe(401);
  });
});
