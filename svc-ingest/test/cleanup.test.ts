import {
  CONSUMERS,
  ensureStream,
  mediaEvent,
  PipelineSnapshot,
  publishCatalogueEvent,
  STREAMS,
  UploadAccepted,
} from "@streamstack/contracts/server";
import { makeMp4 } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, tusCreate, tusPatch, uploadMultipart } from "./http.ts";
import { eventually, type IngestWorld, startFakeCatalogue, startIngestWorld } from "./support.ts";

describe("media cleanup on catalogue.events.media.deleted", () => {
  let world: IngestWorld;
  let catalogue: Awaited<ReturnType<typeof startFakeCatalogue>>;
  let mp4: Buffer;

  beforeAll(async () => {
    world = await startIngestWorld();
    catalogue = await startFakeCatalogue(world.nats.url);
    mp4 = await makeMp4();
  });
  afterAll(async () => {
    await catalogue?.stop();
    await world?.close();
  });

  it("removes the media file of a deleted item, idempotently (the event twice)", async () => {
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "gone.mp4",
      title: "Soon gone",
    });
    const { media_id, item } = UploadAccepted.parse(res.body);
    const keep = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "stays.mp4",
      title: "Stays",
    });
    const kept = UploadAccepted.parse(keep.body).media_id;
    expect(await world.mediaKeys()).toContain(`${media_id}.mp4`);

    const js = world.nc.jetstream();
    await publishCatalogueEvent(js, mediaEvent("deleted", item));
    await publishCatalogueEvent(js, mediaEvent("deleted", item)); // a duplicate delivery
    await eventually(async () => {
      const c = await world.jsm.consumers.info(
        STREAMS.catalogueEvents.name,
        CONSUMERS.mediaCleanup.durable,
      );
      return c.delivered.stream_seq >= 2 && c.num_pending === 0 && c.num_ack_pending === 0;
    }, "both events handled");
    const keys = await world.keys();
    expect(keys.filter((k) => k.startsWith(media_id))).toEqual([]);
    expect(keys).toContain(`${kept}.mp4`);
    const c = await world.jsm.consumers.info(STREAMS.catalogueEvents.name, "ingest-media-cleanup");
    expect(c.num_redelivered).toBe(0);
  });

  it("removes a tus upload's .info with its file", async () => {
    const token = world.tokens.admin;
    const created = await tusCreate(world.base, token, {
      size: mp4.length,
      metadata: { filename: "t.mp4", title: "T" },
    });
    expect((await tusPatch(created.url, token, 0, mp4)).status).toBe(204);
    const mediaId = created.url
      .split("/")
      .pop()!
      .replace(/\.mp4$/, "");
    expect((await world.keys()).filter((k) => k.startsWith(mediaId))).toHaveLength(2);
    const item = catalogue.items.get(mediaId)!;
    await publishCatalogueEvent(world.nc.jetstream(), mediaEvent("deleted", item));
    await eventually(
      async () => (await world.keys()).every((k) => !k.startsWith(mediaId)),
      "tus files removed",
    );
  });
});

describe("GET /api/v1/ingest/pipeline", () => {
  let world: IngestWorld;
  let catalogue: Awaited<ReturnType<typeof startFakeCatalogue>>;

  beforeAll(async () => {
    world = await startIngestWorld();
    catalogue = await startFakeCatalogue(world.nats.url);
    // Someone else's stream appears too; KV buckets (auth-keys…) do not.
    await ensureStream(world.jsm, STREAMS.processingResults, { replicas: 1 });
    await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: await makeMp4(),
      filename: "p.mp4",
      title: "P",
    });
  });
  afterAll(async () => {
    await catalogue?.stop();
    await world?.close();
  });

  it("shows streams, consumers and services with their counters", async () => {
    const res = await fetch(`${world.base}/pipeline`, { headers: auth(world.tokens.admin) });
    expect(res.status).toBe(200);
    const snap = PipelineSnapshot.parse(await res.json());
    expect(snap.streams.map((s) => s.name)).toEqual([
      "CATALOGUE_EVENTS",
      "THUMBNAILER_EVENTS",
      "THUMBNAILER_JOBS",
    ]);
    expect(snap.streams.find((s) => s.name === "THUMBNAILER_JOBS")).toMatchObject({
      messages: 1,
      last_seq: 1,
    });
    expect(snap.consumers).toContainEqual(
      expect.objectContaining({
        stream: "CATALOGUE_EVENTS",
        name: "ingest-media-cleanup",
        num_pending: 0,
      }),
    );
    const names = snap.services.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["catalogue", "ingest"]));
    const create = snap.services
      .find((s) => s.name === "catalogue")
      ?.endpoints.find((e) => e.name === "media-create");
    expect(create).toMatchObject({ subject: "catalogue.rpc.media.create", num_requests: 1 });
  });

  it("is for admins only", async () => {
    const viewer = await fetch(`${world.base}/pipeline`, { headers: auth(world.tokens.viewer) });
    expect(viewer.status).toBe(403);
    expect((await fetch(`${world.base}/pipeline`)).status).toBe(401);
  });
});
