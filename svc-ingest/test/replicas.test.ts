import { request as httpRequest } from "node:http";
import { makePaddedMp4 } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningIngest, startIngest } from "../src/app.ts";
import { auth, tusCreate, tusHead, tusPatch, tusPatchCut } from "./http.ts";
import {
  type IngestWorld,
  logger,
  sha256,
  startFakeCatalogue,
  startIngestWorld,
} from "./support.ts";

const MiB = 1024 * 1024;

/** Two ingest replicas on one NATS and one bucket, as compose runs them. */
describe("tus across two ingest replicas", () => {
  let world: IngestWorld;
  let second: RunningIngest;
  let catalogue: Awaited<ReturnType<typeof startFakeCatalogue>>;
  let video: Buffer;
  const baseB = () => `http://127.0.0.1:${second.port}/api/v1/ingest`;
  const other = (url: string) => url.replace(world.base, baseB());

  beforeAll(async () => {
    world = await startIngestWorld();
    second = await startIngest(world.config, { logger });
    catalogue = await startFakeCatalogue(world.nats.url);
    video = await makePaddedMp4(12 * MiB);
  });
  afterAll(async () => {
    await second?.close();
    await catalogue?.stop();
    await world?.close();
  });

  it("a PATCH dropped on one replica resumes on the other, byte-identical", async () => {
    const token = world.tokens.admin;
    const created = await tusCreate(world.base, token, {
      size: video.length,
      metadata: { filename: "a.mp4", title: "Across" },
    });
    await tusPatchCut(created.url, token, 0, video, 7 * MiB);
    const head = await tusHead(other(created.url), token);
    const offset = Number(head.headers.get("upload-offset"));
    expect(offset).toBeGreaterThan(0);
    const done = await tusPatch(other(created.url), token, offset, video.subarray(offset));
    expect(done.status).toBe(204);
    const mediaId = done.headers.get("upload-media-id")!;
    expect(sha256(await world.object(`${mediaId}.mp4`))).toBe(sha256(video));
  });

  it("a replica waits for the other's PATCH to let go of the upload before answering", async () => {
    const token = world.tokens.admin;
    const created = await tusCreate(world.base, token, {
      size: video.length,
      metadata: { filename: "b.mp4", title: "Contended" },
    });
    // A PATCH on replica A that sends 6 MiB and then stalls, connection open.
    const stalled = httpRequest(created.url, {
      method: "PATCH",
      headers: {
        ...auth(token),
        "tus-resumable": "1.0.0",
        "upload-offset": "0",
        "content-type": "application/offset+octet-stream",
        "content-length": String(video.length),
      },
    });
    stalled.on("error", () => undefined);
    stalled.on("response", (res) => res.resume());
    await new Promise<void>((resolve) =>
      stalled.write(video.subarray(0, 6 * MiB), () => resolve()),
    );
    // Replica B's HEAD asks A to let go; A stores what it received, then B answers.
    const head = await tusHead(other(created.url), token);
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("upload-offset"))).toBe(6 * MiB);
    stalled.destroy();

    const done = await tusPatch(other(created.url), token, 6 * MiB, video.subarray(6 * MiB));
    expect(done.status).toBe(204);
    const mediaId = done.headers.get("upload-media-id")!;
    expect(sha256(await world.object(`${mediaId}.mp4`))).toBe(sha256(video));
  });
});
