import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { CatalogueEnv, type RunningCatalogue, startCatalogue } from "@streamstack/catalogue";
import { type MediaItem, RPC, request, UploadAccepted } from "@streamstack/contracts/server";
import { createTestDatabase, makeMp4 } from "@streamstack/infra";
import { startThumbnailer, type Thumbnailer, ThumbnailerEnv } from "@streamstack/thumbnailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, tusCreate, tusPatch, uploadMultipart } from "./http.ts";
import { eventually, type IngestWorld, logger, sha256, startIngestWorld } from "./support.ts";

/** Ingest with the real catalogue (Postgres) and the real thumbnailer (ffmpeg) behind it. */
describe("upload → catalogue → thumbnailer → published", () => {
  let world: IngestWorld;
  let catalogue: RunningCatalogue;
  let thumbnailer: Thumbnailer;
  let mp4: Buffer;

  const published = (mediaId: string) =>
    eventually(
      async () => {
        const { item } = await request(world.nc, RPC.mediaGet, { media_id: mediaId });
        return item.status !== "processing" && item;
      },
      `media ${mediaId} processed`,
      45_000,
    );
  const thumbnails = async () => {
    const out = await world.s3.send(new ListObjectsV2Command({ Bucket: world.buckets.thumbnails }));
    return (out.Contents ?? []).map((o) => o.Key);
  };

  beforeAll(async () => {
    world = await startIngestWorld();
    const common = { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", NATS_URL: world.nats.url };
    catalogue = await startCatalogue(
      CatalogueEnv.parse({ ...common, DATABASE_URL: await createTestDatabase("ingest_e2e") }),
      { logger },
    );
    thumbnailer = await startThumbnailer(
      ThumbnailerEnv.parse({
        ...common,
        S3_ENDPOINT: world.config.S3_ENDPOINT,
        S3_ACCESS_KEY_ID: world.config.S3_ACCESS_KEY_ID,
        S3_SECRET_ACCESS_KEY: world.config.S3_SECRET_ACCESS_KEY,
        S3_BUCKET_MEDIA: world.buckets.media,
        S3_BUCKET_THUMBNAILS: world.buckets.thumbnails,
      }),
      { logger },
    );
    mp4 = await makeMp4({ seconds: 3, size: "640x360" });
  });
  afterAll(async () => {
    await thumbnailer?.close();
    await catalogue?.close();
    await world?.close();
  });

  it("a multipart upload ends published with metadata and a thumbnail", async () => {
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "e2e.mp4",
      title: "End to end",
    });
    expect(res.status).toBe(202);
    const accepted = UploadAccepted.parse(res.body);
    expect(accepted.item).toMatchObject({ status: "processing", size_bytes: mp4.length });

    const item: MediaItem = await published(accepted.media_id);
    expect(item).toMatchObject({
      status: "published",
      video_codec: "h264",
      audio_codec: "aac",
      width: 640,
      height: 360,
    });
    expect(item.duration_s).toBeCloseTo(3, 0);
    expect(item.thumbnail_url).toBeTruthy();
    expect(await thumbnails()).toContain(`${accepted.media_id}.jpg`);
  });

  it("a tus upload ends published; its media id leads to the item", async () => {
    const token = world.tokens.admin;
    const created = await tusCreate(world.base, token, {
      size: mp4.length,
      metadata: { filename: "e2e-tus.mp4", filetype: "video/mp4", title: "Resumable" },
    });
    const done = await tusPatch(created.url, token, 0, mp4);
    expect(done.status).toBe(204);
    const mediaId = done.headers.get("upload-media-id")!;
    expect((await published(mediaId)).status).toBe("published");
    const media = await fetch(`${created.url}/media`, { headers: auth(token) });
    expect(UploadAccepted.parse(await media.json())).toMatchObject({
      media_id: mediaId,
      status: "published",
      item: { title: "Resumable" },
    });
  });

  it("deleting the item in catalogue removes the media file (and the thumbnailer its JPEG)", async () => {
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "doomed.mp4",
      title: "Doomed",
    });
    const { media_id } = UploadAccepted.parse(res.body);
    await published(media_id);
    expect(sha256(await world.object(`${media_id}.mp4`))).toBe(sha256(mp4));

    const del = await fetch(`http://127.0.0.1:${catalogue.port}/api/v1/catalogue/${media_id}`, {
      method: "DELETE",
      headers: auth(world.tokens.admin),
    });
    expect(del.status).toBe(204);
    await eventually(
      async () => (await world.keys()).every((k) => !k.startsWith(media_id)),
      "media file removed",
    );
    await eventually(
      async () => !(await thumbnails()).includes(`${media_id}.jpg`),
      "thumbnail removed",
    );
  });

  it("catalogue down: 503 and no orphaned object", async () => {
    await catalogue.close();
    const before = await world.keys();
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "nobody.mp4",
      title: "Nobody home",
    });
    expect(res.status).toBe(503);
    expect(await world.keys()).toEqual(before);
  });
});
