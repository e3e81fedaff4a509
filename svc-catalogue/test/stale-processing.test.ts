// The backstop behind "no item stays processing forever": a job lost outside the
// thumbnailer (its MAX_DELIVERIES advisory reached no one, the job stream was purged) still
// ends `failed` with a reason, once, and never touches an item whose result did arrive.
import type { MediaItem } from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogueWorld, eventually, startCatalogueWorld } from "./support.ts";

let world: CatalogueWorld;
// Long enough that a result delivered right after create always arrives first.
const sweep = { PROCESSING_TIMEOUT_S: "4", PROCESSING_SWEEP_MS: "100" };
beforeAll(async () => {
  world = await startCatalogueWorld(sweep);
  await world.replica(sweep); // two replicas sweep the same table (closed with the world)
});
afterAll(() => world?.close());

const item = async (id: string) =>
  (await world.api<MediaItem>("GET", `/${id}`, { token: world.tokens.admin })).body;
const types = async (id: string) => (await world.eventsFor(id)).map((e) => e.event.type);

describe("items whose processing job was lost", () => {
  it("end failed with a reason after the timeout, announced once", async () => {
    const { item: lost } = await world.create();
    expect(lost.status).toBe("processing");
    const failed = await eventually(
      async () => {
        const now = await item(lost.id);
        return now.status === "failed" && now;
      },
      "the lost item to fail",
      30_000,
    );
    expect(failed.failure_reason).toMatch(/did not finish within 4 s/);
    await world.eventsRelayed();
    expect(await types(lost.id)).toEqual(["media.created", "media.failed"]);
    // A result that arrives after all changes nothing: failed is final.
    await world.succeeded(lost.id);
    expect(await item(lost.id)).toEqual(failed);
  });

  it("leave items whose result arrived alone", async () => {
    const published = await world.published();
    const { item: failedByWorker } = await world.create();
    await world.failed(failedByWorker.id, "no video stream");
    const { item: lost } = await world.create();
    await eventually(
      async () => (await item(lost.id)).status === "failed",
      "the lost item to fail",
      30_000,
    );
    expect(await item(published.id)).toMatchObject({ status: "published", failure_reason: null });
    expect(await item(failedByWorker.id)).toMatchObject({ failure_reason: "no video stream" });
  });
});
