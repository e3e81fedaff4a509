import { makePaddedMp4 } from "@streamstack/infra";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IngestWorld, sha256, startFakeCatalogue, startIngestWorld } from "./support.ts";

const MiB = 1024 * 1024;

/** The UI's tus client (tus-js-client 4) against the real server: pause, resume, media id. */
describe("tus-js-client against ingest", () => {
  let world: IngestWorld;
  let catalogue: Awaited<ReturnType<typeof startFakeCatalogue>>;

  beforeAll(async () => {
    world = await startIngestWorld();
    catalogue = await startFakeCatalogue(world.nats.url);
  });
  afterAll(async () => {
    await catalogue?.stop();
    await world?.close();
  });

  it("pauses after the first chunk, resumes from its URL and learns the media id", async () => {
    const file = await makePaddedMp4(11 * MiB);
    const options = {
      endpoint: `${world.base}/tus/`,
      chunkSize: 4 * MiB,
      headers: { Authorization: `Bearer ${world.tokens.admin}` },
      metadata: { filename: "client.mp4", filetype: "video/mp4", title: "From the client" },
      retryDelays: [],
    };
    const url = await new Promise<string>((resolve, reject) => {
      const first = new tus.Upload(file, {
        ...options,
        onError: reject,
        onChunkComplete: () => {
          void first.abort().then(() => resolve(first.url ?? ""));
        },
      });
      first.start();
    });
    expect(url).toMatch(/\/api\/v1\/ingest\/tus\/[0-9a-f-]{36}\.mp4$/);

    let offsetAtResume = -1;
    const mediaId = await new Promise<string>((resolve, reject) => {
      const resumed = new tus.Upload(file, {
        ...options,
        uploadUrl: url,
        onError: reject,
        onProgress: (sent) => {
          if (offsetAtResume < 0) offsetAtResume = sent;
        },
        onSuccess: ({ lastResponse }) => resolve(lastResponse.getHeader("Upload-Media-Id") ?? ""),
      });
      resumed.start();
    });
    expect(offsetAtResume).toBeGreaterThanOrEqual(4 * MiB); // resumed, did not start over
    expect(url.endsWith(`/${mediaId}.mp4`)).toBe(true);
    expect(sha256(await world.object(`${mediaId}.mp4`))).toBe(sha256(file));
    expect(catalogue.items.get(mediaId)?.title).toBe("From the client");
    expect((await world.jobs()).map((j) => j.media_id)).toContain(mediaId);
  });
});
