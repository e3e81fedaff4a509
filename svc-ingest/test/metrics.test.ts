import { makeMp4, makePaddedMp4 } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tusCreate, tusPatch, uploadMultipart } from "./http.ts";
import { type IngestWorld, startFakeCatalogue, startIngestWorld } from "./support.ts";

// What operators read on ingest's /metrics: file bytes received per path, how uploads
// ended (accepted, or refused with the error code), and the lag of its cleanup consumer.
const MiB = 1024 * 1024;
const MAX = 12 * MiB;

let world: IngestWorld;
let catalogue: Awaited<ReturnType<typeof startFakeCatalogue>>;
beforeAll(async () => {
  world = await startIngestWorld({ MAX_UPLOAD_BYTES: String(MAX) });
  catalogue = await startFakeCatalogue(world.nats.url);
});
afterAll(async () => {
  await catalogue?.stop();
  await world?.close();
});

/** Sum of a series over the lines whose labels include `labels`. */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${world.ingest.port}/metrics`)).text();
  let sum = 0;
  let seen = false;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (!Object.entries(labels).every(([k, v]) => (m[2] ?? "").includes(`${k}="${v}"`))) continue;
    seen = true;
    sum += Number(m[3]);
  }
  return seen ? sum : Number.NaN;
}

const uploads = (path: string, outcome: string, reason: string) =>
  metric("ingest_uploads_total", { path, outcome, reason });

describe("ingest /metrics", () => {
  it("counts a multipart upload's bytes and its acceptance", async () => {
    const mp4 = await makeMp4();
    const before = await metric("ingest_upload_bytes_total", { path: "multipart" });
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: mp4,
      filename: "a.mp4",
      title: "A",
    });
    expect(res.status).toBe(202);
    expect((await metric("ingest_upload_bytes_total", { path: "multipart" })) - before).toBe(
      mp4.length,
    );
    expect(await uploads("multipart", "accepted", "none")).toBe(1);
  });

  it("counts a refused multipart upload as rejected, with the bytes it sent", async () => {
    const text = Buffer.from("not a video at all, just words\n".repeat(2000));
    const before = await metric("ingest_upload_bytes_total", { path: "multipart" });
    const res = await uploadMultipart(world.base, {
      token: world.tokens.admin,
      file: text,
      filename: "notes.mp4",
      title: "Notes",
    });
    expect(res.status).toBe(415);
    expect(await uploads("multipart", "rejected", "unsupported_media_type")).toBe(1);
    expect((await metric("ingest_upload_bytes_total", { path: "multipart" })) - before).toBe(
      text.length,
    );
    expect(await uploads("multipart", "accepted", "none")).toBe(1); // unchanged
  });

  it("counts tus PATCH bytes and the finished upload; a size over the limit as rejected", async () => {
    const video = await makePaddedMp4(6 * MiB);
    const before = await metric("ingest_upload_bytes_total", { path: "tus" });
    const meta = { filename: "t.mp4", filetype: "video/mp4", title: "T" };
    const created = await tusCreate(world.base, world.tokens.admin, {
      size: video.length,
      metadata: meta,
    });
    expect(created.status).toBe(201);
    const done = await tusPatch(created.url, world.tokens.admin, 0, video);
    expect(done.status).toBe(204);
    expect((await metric("ingest_upload_bytes_total", { path: "tus" })) - before).toBe(
      video.length,
    );
    expect(await uploads("tus", "accepted", "none")).toBe(1);

    const tooBig = await tusCreate(world.base, world.tokens.admin, {
      size: MAX + 1,
      metadata: meta,
    });
    expect(tooBig.status).toBe(413);
    expect(await uploads("tus", "rejected", "payload_too_large")).toBe(1);
  });

  it("reports the lag of its media-cleanup consumer", async () => {
    for (const gauge of ["num_pending", "num_ack_pending", "num_redelivered"]) {
      expect(
        await metric(`jetstream_consumer_${gauge}`, { consumer: "ingest-media-cleanup" }),
      ).toBe(0);
    }
  });
});
