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

describe("keyset pagination", () => {
  it("walks every pre-existing item exactly once while items are added between pages", async () => {
    // Ties on created_at are the hard case for a cursor: make ten of them on purpose.
    const tie = new Date(Date.now() - 60_000);
    const existing: string[] = [];
    for (let i = 0; i < 25; i++) {
      const id = randomUUID();
      const at = i < 10 ? tie : new Date(tie.getTime() - i * 1000);
      await world.sql`
        insert into media_items (id, title, s3_key, size_bytes, content_type, created_at, updated_at)
        values (${id}, ${`Paged ${i}`}, ${`media/${id}.mp4`}, 1, 'video/mp4', ${at}, ${at})`;
      existing.push(id);
    }
    const seen: MediaItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=7&cursor=${cursor}` : "?limit=7";
      const res = await world.api<MediaList>("GET", `/${query}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.next_cursor;
      pages++;
      // New uploads land at the head of the list while the client pages on.
      await world.create({ title: `Added during paging ${pages}` });
      // And one backdated row right behind the cursor (a slow transaction committing late).
      const late = randomUUID();
      const lastSeen = res.body.items.at(-1);
      if (lastSeen) {
        await world.sql`
          insert into media_items (id, title, s3_key, size_bytes, content_type, created_at, updated_at)
          values (${late}, 'Late commit', ${`media/${late}.mp4`}, 1, 'video/mp4',
                  ${new Date(Date.parse(lastSeen.created_at) - 1)}, now())`;
      }
    } while (cursor && pages < 100);

    const seenIds = seen.map((i) => i.id);
    expect(new Set(seenIds).size).toBe(seenIds.length); // no duplicates
    for (const id of existing) expect(seenIds).toContain(id); // no skips
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      const order = a.created_at === b.created_at ? a.id > b.id : a.created_at > b.created_at;
      expect(order, `${a.id} before ${b.id}`).toBe(true); // strictly newest first
    }
  });

  it("ends with next_cursor null and answers an exhausted cursor with an empty page", async () => {
    const first = await world.api<MediaList>("GET", "/?limit=100");
    expect(first.body.next_cursor).toBeNull();
    const one = await world.api<MediaList>("GET", "/?limit=1");
    const oldest = first.body.items.at(-1)!;
    expect(one.body.next_cursor).not.toBeNull();
    const { encodeCursor } = await import("../src/domain/cursor.ts");
    const after = encodeCursor({ createdAt: new Date(oldest.created_at), id: oldest.id });
    const end = await world.api<MediaList>("GET", `/?cursor=${after}`);
    expect(end.body).toEqual({ items: [], next_cursor: null });
  });
});

describe("search", () => {
  let orbit: MediaItem;
  let pasta: MediaItem;
  let under: MediaItem;
  beforeAll(async () => {
    orbit = await world.published({
      title: "Orbit of the Moon",
      description: "A calm journey around the Earth",
    });
    pasta = await world.published({
      title: "Cooking pasta",
      description: "Kitchen basics with 100% durum wheat",
    });
    under = await world.published({ title: "under_score clip", description: "back\\slash test" });
  });

  const search = async (q: string, token = world.tokens.viewer) => {
    const res = await world.api<MediaList>("GET", `/?q=${encodeURIComponent(q)}`, { token });
    expect(res.status, q).toBe(200);
    return ids(res.body);
  };

  it("matches word prefixes in title and description, case-insensitively", async () => {
    expect(await search("orbi")).toEqual([orbit.id]);
    expect(await search("ORBIT mo")).toEqual([orbit.id]);
    expect(await search("jour")).toEqual([orbit.id]); // description
    expect(await search("kitch dur")).toEqual([pasta.id]);
    expect(await search("100%")).toEqual([pasta.id]);
  });

  it("requires every word", async () => {
    expect(await search("orbit pasta")).toEqual([]);
  });

  it("finds nothing for words nobody used", async () => {
    expect(await search("zzzyzx")).toEqual([]);
  });

  it("treats SQL metacharacters and tsquery operators as plain text", async () => {
    for (const q of [
      "'; drop table media_items--",
      "%",
      "_",
      "\\",
      "&|!():*",
      "orbi:* | pasta",
      "o'rbit",
      '"orbit"',
    ]) {
      const found = await search(q);
      expect(found, q).not.toContain(pasta.id); // no operator or wildcard took effect
    }
    expect(await search("'; drop table media_items--")).toEqual([]);
    expect(await search("o'rbit")).toEqual([]); // o:* & rbit:*, nothing starts with rbit
    expect(await search('"orbit"')).toEqual([orbit.id]);
    expect(await search("under_score")).toEqual([under.id]);
    expect(await search("back\\slash")).toEqual([under.id]);
    // …and the table is still there.
    expect((await world.api("GET", "/")).status).toBe(200);
  });

  it("pages through search results with the same cursor rules", async () => {
    const many = [];
    for (let i = 0; i < 5; i++) many.push(await world.published({ title: `Nebula ${i}` }));
    const first = await world.api<MediaList>("GET", "/?q=nebu&limit=3");
    const second = await world.api<MediaList>(
      "GET",
      `/?q=nebu&limit=3&cursor=${first.body.next_cursor}`,
    );
    expect([...ids(first.body), ...ids(second.body)]).toEqual(many.map((m) => m.id).reverse());
    expect(second.body.next_cursor).toBeNull();
  });
});

describe("visibility", () => {
  let processing: MediaItem;
  let failed: MediaItem;
  let published: MediaItem;
  beforeAll(async () => {
    processing = (await world.create({ title: "Visibility processing" })).item;
    failed = (await world.create({ title: "Visibility failed" })).item;
    await world.failed(failed.id, "ffprobe found no video stream");
    published = await world.published({ title: "Visibility published" });
  });

  const listIds = async (query: string, token: string) => {
    const res = await world.api<MediaList>("GET", `/?limit=100&q=visibility${query}`, { token });
    expect(res.status).toBe(200);
    return ids(res.body);
  };

  it("shows viewers published items only, whatever status they ask for", async () => {
    for (const status of ["", "&status=processing", "&status=failed", "&status=all"]) {
      expect(await listIds(status, world.tokens.viewer), status).toEqual([published.id]);
    }
  });

  it("shows admins every status by default and filters on request", async () => {
    const admin = world.tokens.admin;
    expect(await listIds("", admin)).toEqual([published.id, failed.id, processing.id]);
    expect(await listIds("&status=all", admin)).toEqual([published.id, failed.id, processing.id]);
    expect(await listIds("&status=processing", admin)).toEqual([processing.id]);
    expect(await listIds("&status=failed", admin)).toEqual([failed.id]);
    expect(await listIds("&status=published", admin)).toEqual([published.id]);
  });

  it("gets one item only when the caller may see it (404 otherwise)", async () => {
    const { viewer, admin } = world.tokens;
    expect((await world.api("GET", `/${published.id}`, { token: viewer })).status).toBe(200);
    expect((await world.api("GET", `/${processing.id}`, { token: viewer })).status).toBe(404);
    expect((await world.api("GET", `/${failed.id}`, { token: viewer })).status).toBe(404);
    const got = await world.api<MediaItem>("GET", `/${failed.id}`, { token: admin });
    expect(got.body).toMatchObject({
      status: "failed",
      failure_reason: "ffprobe found no video stream",
    });
  });

  it("answers 404 for unknown and malformed ids", async () => {
    for (const id of [randomUUID(), "not-a-uuid", "1", "events2"]) {
      const res = await world.api<{ error: { code: string } }>("GET", `/${id}`);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
  });

  it("shows every MediaItem field, with the thumbnail URL once there is a thumbnail", async () => {
    const res = await world.api<MediaItem>("GET", `/${published.id}`);
    expect(res.body).toEqual({
      id: published.id,
      title: "Visibility published",
      description: "",
      status: "published",
      size_bytes: 1234,
      content_type: "video/mp4",
      duration_s: 10,
      video_codec: "h264",
      audio_codec: "aac",
      width: 640,
      height: 360,
      fps: 25,
      thumbnail_url: `/api/v1/stream/thumbnails/${published.id}.jpg`,
      failure_reason: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      published_at: expect.any(String),
    });
    const pending = await world.api<MediaItem>("GET", `/${processing.id}`);
    expect(pending.body).toMatchObject({
      thumbnail_url: null,
      duration_s: null,
      published_at: null,
    });
  });
});
