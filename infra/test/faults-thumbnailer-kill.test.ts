// kill -9 of the thumbnailer with jobs in flight, on the whole platform (issue 7, Faults):
// three uploads are being probed (an ffprobe held at a gate) when the worker process dies;
// another starts. Every item ends published, none stays processing, and the event stream
// holds exactly one `media.published` per item.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Gate, gatedTool, gateStarts } from "../../svc-thumbnailer/test/fakes.ts";
import { eventually, makeMp4, startTestStack, type TestStack } from "../src/testing/index.ts";
import {
  catalogueEvents,
  jsonFetch,
  keepLogs,
  login,
  settled,
  uploadMultipart,
} from "../src/testing/platform.ts";

const JOBS = 3;
let stack: TestStack;
let dir: string;
let gate: Gate;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "thumbnailer-kill-"));
  gate = { dir: join(dir, "gate"), go: join(dir, "go") };
  stack = await startTestStack({
    env: {
      thumbnailer: {
        FFPROBE_PATH: await gatedTool(dir, "ffprobe", gate),
        THUMBNAILER_CONCURRENCY: String(JOBS),
        // Short, so the killed worker's jobs come back soon; working() keeps live ones.
        THUMBNAILER_ACK_WAIT_MS: "3000",
      },
    },
  });
}, 300_000);

afterAll(async () => {
  await keepLogs(stack, "faults-thumbnailer-kill");
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

it("kill -9 with jobs in flight: another instance completes them all, each published once", async () => {
  const { catalogue, ingest, thumbnailer } = stack.services;
  const admin = await login(stack.services.auth.url, stack.admin);
  const video = await makeMp4({ seconds: 2 });
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const a = await uploadMultipart(ingest.url, admin, video, `in flight ${i}`);
    expect(a.status, JSON.stringify(a.body)).toBe(202);
    ids.push((a.body as { media_id: string }).media_id);
  }
  await eventually(() => gateStarts(gate) >= JOBS, "every job in flight at the worker", 60_000);

  await thumbnailer.kill(); // -9, mid-probe
  await writeFile(gate.go, ""); // probes run from now on
  await thumbnailer.start(); // another instance

  for (const id of ids) {
    const item = await settled(catalogue.url, admin, id, 120_000);
    expect(item.status, item.failure_reason ?? "").toBe("published");
  }
  const processing = await jsonFetch(`${catalogue.url}/api/v1/catalogue/?status=processing`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  expect(processing.status).toBe(200);
  expect((processing.body as { items: unknown[] }).items).toEqual([]);

  const integrator = stack.nats.users?.integrator;
  if (!integrator) throw new Error("the stack has no integrator user");
  const published = (await catalogueEvents(stack.nats.url, integrator))
    .filter((e) => e.event.type === "media.published")
    .map((e) => (e.event as { media: { id: string } }).media.id);
  for (const id of ids)
    expect(
      published.filter((p) => p === id),
      id,
    ).toHaveLength(1);
}, 300_000);
