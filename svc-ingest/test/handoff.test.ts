import { ensureStream, STREAMS, UploadAccepted } from "@streamstack/contracts/server";
import { makeMp4 } from "@streamstack/infra";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tusCreate, tusHead, tusPatch, uploadMultipart } from "./http.ts";
import { type IngestWorld, startFakeCatalogue, startIngestWorld } from "./support.ts";

type FakeCatalogue = Awaited<ReturnType<typeof startFakeCatalogue>>;

describe("hand-off to catalogue and the job queue when things fail", () => {
  let world: IngestWorld;
  let catalogue: FakeCatalogue | undefined;
  let mp4: Buffer;
  const upload = () =>
    uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "clip.mp4",
      title: "Clip",
    });

  beforeAll(async () => {
    world = await startIngestWorld({ CATALOGUE_TIMEOUT_MS: "500" });
    mp4 = await makeMp4();
  });
  beforeEach(async () => {
    await catalogue?.stop();
    catalogue = undefined;
  });
  afterAll(async () => {
    await catalogue?.stop();
    await world?.close();
  });

  it("catalogue down (no responders): multipart → 503 and no orphaned object", async () => {
    const before = await world.keys();
    const res = await upload();
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: "unavailable" } });
    expect(await world.keys()).toEqual(before);
  });

  it("catalogue down: the final tus PATCH → 503 and the upload is gone", async () => {
    const token = world.tokens.admin;
    const created = await tusCreate(world.base, token, {
      size: mp4.length,
      metadata: { filename: "clip.mp4", title: "Clip" },
    });
    const uploadId = created.url.split("/").pop()!;
    const res = await tusPatch(created.url, token, 0, mp4);
    expect(res.status).toBe(503);
    expect((await world.keys()).filter((k) => k.includes(uploadId))).toEqual([]);
    expect((await tusHead(created.url, token)).status).toBe(404);
  });

  it("JetStream refuses the job: 503 with the media id; the reconciler queues it later", async () => {
    catalogue = await startFakeCatalogue(world.nats.url);
    await world.jsm.streams.delete(STREAMS.processingJobs.name);
    const res = await upload();
    expect(res.status).toBe(503);
    const mediaId = (res.body as { error: { details: { media_id: string } } }).error.details
      .media_id;
    // Nothing half-done is lost: the item exists, the file is kept, a marker says what is left.
    expect(catalogue.items.get(mediaId)?.status).toBe("processing");
    expect(await world.mediaKeys()).toContain(`${mediaId}.mp4`);
    expect(await world.keys("_ingest/handoff/")).toEqual([`_ingest/handoff/${mediaId}.json`]);

    expect(await world.ingest.reconcile()).toMatchObject({ finished: 0, waiting: 1 });
    await ensureStream(world.jsm, STREAMS.processingJobs, { replicas: 1 });
    expect(await world.ingest.reconcile()).toMatchObject({ finished: 1, waiting: 0 });
    expect((await world.jobs()).map((j) => j.media_id)).toEqual([mediaId]);
    expect(await world.keys("_ingest/handoff/")).toEqual([]);
  });

  it("catalogue times out: 504, and the reconciler records the item and queues its job once", async () => {
    catalogue = await startFakeCatalogue(world.nats.url, { mode: "hang" });
    const res = await upload();
    expect(res.status).toBe(504);
    const mediaId = (res.body as { error: { details: { media_id: string } } }).error.details
      .media_id;
    expect(await world.mediaKeys()).toContain(`${mediaId}.mp4`);

    catalogue.behaviour.mode = "answer";
    expect(await world.ingest.reconcile()).toMatchObject({ finished: 1 });
    expect(catalogue.items.get(mediaId)).toMatchObject({ title: "Clip", size_bytes: mp4.length });
    // A second round (or a duplicate marker) does not queue the job twice.
    await world.put(
      `_ingest/handoff/${mediaId}.json`,
      JSON.stringify({
        media_id: mediaId,
        s3_key: `${mediaId}.mp4`,
        content_type: "video/mp4",
        size_bytes: mp4.length,
        title: "Clip",
        description: "",
        stage: "created",
      }),
    );
    expect(await world.ingest.reconcile()).toMatchObject({ finished: 1 });
    expect((await world.jobs()).filter((j) => j.media_id === mediaId)).toHaveLength(1);
  });

  it("the reconciler undoes an upload catalogue refuses for good", async () => {
    catalogue = await startFakeCatalogue(world.nats.url, { mode: "hang" });
    const res = await upload();
    expect(res.status).toBe(504);
    const mediaId = (res.body as { error: { details: { media_id: string } } }).error.details
      .media_id;
    catalogue.behaviour.mode = "refuse";
    expect(await world.ingest.reconcile()).toMatchObject({ undone: 1 });
    expect((await world.keys()).filter((k) => k.includes(mediaId))).toEqual([]);
  });

  it("with everything up, the answer is 202 again", async () => {
    catalogue = await startFakeCatalogue(world.nats.url);
    const res = await upload();
    expect(res.status).toBe(202);
    expect(UploadAccepted.parse(res.body).status).toBe("processing");
  });
});
