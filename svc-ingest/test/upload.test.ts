import { randomBytes } from "node:crypto";
import { UploadAccepted } from "@streamstack/contracts";
import { makeMp4 } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadChunked, uploadMultipart } from "./http.ts";
import { type IngestWorld, sha256, startFakeCatalogue, startIngestWorld } from "./support.ts";

// Above two S3 parts, so the chunked 413 aborts a multipart upload already under way.
const MAX = 12 * 1024 * 1024;

describe("POST /api/v1/ingest/upload (multipart)", () => {
  let world: IngestWorld;
  let catalogue: Awaited<ReturnType<typeof startFakeCatalogue>>;
  let mp4: Buffer;

  beforeAll(async () => {
    world = await startIngestWorld({
      MAX_UPLOAD_BYTES: String(MAX),
      UPLOAD_PART_BYTES: String(5 * 1024 * 1024),
    });
    catalogue = await startFakeCatalogue(world.nats.url);
    mp4 = await makeMp4();
  });
  afterAll(async () => {
    await catalogue?.stop();
    await world?.close();
  });

  it("streams an H.264/AAC MP4 to S3 byte for byte, records it and queues its job", async () => {
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "Holiday.mp4",
      title: "  Holiday  ",
      description: "by the sea",
    });
    expect(res.status).toBe(202);
    const accepted = UploadAccepted.parse(res.body);
    expect(accepted.status).toBe("processing");
    expect(accepted.item).toMatchObject({ title: "Holiday", description: "by the sea" });

    const key = `${accepted.media_id}.mp4`;
    expect(sha256(await world.object(key))).toBe(sha256(mp4));
    const recorded = catalogue.requests.find((r) => r.payload.media_id === accepted.media_id);
    expect(recorded?.payload).toMatchObject({
      s3_key: key,
      size_bytes: mp4.length,
      content_type: "video/mp4",
    });
    // The admin's own token travels with the request, as DESIGN asks.
    expect(recorded?.accessToken).toBe(world.tokens.admin);
    const jobs = (await world.jobs()).filter((j) => j.media_id === accepted.media_id);
    expect(jobs).toEqual([expect.objectContaining({ s3_key: key, size_bytes: mp4.length })]);
    expect(await world.keys("_ingest/handoff/")).toEqual([]);
  });

  it("stores a file of several S3 parts byte for byte", async () => {
    // 5 + 5 + 1 MiB parts; padding after the MP4 keeps the sniffed head a video.
    const file = Buffer.concat([mp4, randomBytes(11 * 1024 * 1024 - mp4.length)]);
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file,
      filename: "parts.mp4",
      title: "Parts",
    });
    expect(res.status).toBe(202);
    const { media_id } = UploadAccepted.parse(res.body);
    expect(sha256(await world.object(`${media_id}.mp4`))).toBe(sha256(file));
  });

  it("takes the title after the file too (curl -F order)", async () => {
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "late.MP4",
      title: "Late title",
      fieldsAfterFile: true,
    });
    expect(res.status).toBe(202);
    expect(UploadAccepted.parse(res.body).item.title).toBe("Late title");
  });

  it("refuses a missing title with 400 and keeps nothing", async () => {
    const before = await world.keys();
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "untitled.mp4",
      fieldsAfterFile: true,
    });
    expect(res.status).toBe(400);
    expect(await world.keys()).toEqual(before);
  });

  it("refuses text with 415: declared text/plain, or a .txt renamed .mp4", async () => {
    const before = await world.keys();
    const text = Buffer.from("these are my notes, not a video\n".repeat(100));
    const declared = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: text,
      filename: "notes.txt",
      type: "text/plain",
      title: "Notes",
    });
    expect(declared.status).toBe(415);
    const renamed = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: text,
      filename: "notes.mp4",
      type: "video/mp4",
      title: "Notes",
    });
    expect(renamed.status).toBe(415);
    expect(renamed.body).toMatchObject({ error: { code: "unsupported_media_type" } });
    expect(await world.keys()).toEqual(before);
  });

  it("answers 413 from Content-Length alone, before reading the body", async () => {
    const before = await world.keys();
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: Buffer.concat([mp4, Buffer.alloc(MAX + 2 * 1024 * 1024)]),
      filename: "big.mp4",
      title: "Too big",
    });
    expect(res.status).toBe(413);
    expect(await world.keys()).toEqual(before);
  });

  it("answers 413 for a chunked body that grows past the limit, leaving no object", async () => {
    const before = await world.keys();
    const res = await uploadChunked(world.base, world.tokens.admin, {
      filename: "endless.mp4",
      head: mp4.subarray(0, 4096),
      fileBytes: MAX + 3 * 1024 * 1024,
      title: "Endless",
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: "payload_too_large" } });
    expect(await world.keys()).toEqual(before);
  });

  it("is for admins only: 401 without a token, 403 for a viewer", async () => {
    const none = await uploadMultipart(world.base, { file: mp4, filename: "a.mp4", title: "A" });
    expect(none.status).toBe(401);
    const viewer = await uploadMultipart(world.base, {
      token: world.tokens.viewer,
      file: mp4,
      filename: "a.mp4",
      title: "A",
    });
    expect(viewer.status).toBe(403);
  });
});
