import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STREAMS } from "@streamstack/contracts/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makeMp4, startWorld, type World } from "./least-privilege-world.ts";

// The failure path under the thumbnailer's own NATS user: a probe that fails like a network
// error on every delivery ends as `failed` (published by the worker on its last attempt) and
// the job leaves the work queue. (The MAX_DELIVERIES advisory path, for a worker that dies
// mid-job, is covered by svc-thumbnailer's tests on an open server and by the unit tests of
// the permissions; it is not driven here.)
let world: World;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lp-exhausted-"));
  const ffprobe = join(dir, "ffprobe");
  // Answers the start-up `-version` check, then fails every probe like a network error.
  await writeFile(
    ffprobe,
    '#!/bin/sh\n[ "$1" = "-version" ] && { echo "ffprobe version fake"; exit 0; }\necho "Connection refused" >&2\nexit 1\n',
  );
  await chmod(ffprobe, 0o755);
  world = await startWorld({
    thumbnailer: {
      FFPROBE_PATH: ffprobe,
      THUMBNAILER_MAX_DELIVER: "1",
      THUMBNAILER_RETRY_BASE_MS: "100",
    },
  });
});
afterAll(async () => {
  await world?.close();
  await rm(dir, { recursive: true, force: true });
});

it("a job failing on every attempt ends failed and leaves the queue, with no permission violation", async () => {
  const base = (port: number) => `http://127.0.0.1:${port}`;
  const login = await fetch(`${base(world.ports.auth)}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(world.admin),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  const auth = { authorization: `Bearer ${access_token}` };
  const form = new FormData();
  form.set("title", "Never probed");
  form.set("file", new Blob([await makeMp4()], { type: "video/mp4" }), "never.mp4");
  const upload = await fetch(`${base(world.ports.ingest)}/api/v1/ingest/upload`, {
    method: "POST",
    headers: auth,
    body: form,
  });
  expect(upload.status).toBe(202);
  const { media_id } = (await upload.json()) as { media_id: string };
  let item: { status: string; failure_reason: string | null } | undefined;
  const deadline = Date.now() + 45_000;
  while (!item || item.status === "processing") {
    if (Date.now() > deadline) throw new Error("item still processing");
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${base(world.ports.catalogue)}/api/v1/catalogue/${media_id}`, {
      headers: auth,
    });
    item = (await res.json()) as typeof item;
  }
  expect(item).toMatchObject({ status: "failed" });
  expect(item.failure_reason).toMatch(/gave up after 1 attempt/);
  // The job is gone from the work queue (acknowledged after the failed result).
  const jsm = await (await world.connectAs("ops")).jetstreamManager();
  const jobs = STREAMS.processingJobs.name;
  while ((await jsm.streams.info(jobs)).state.messages > 0) {
    if (Date.now() > deadline) throw new Error("failed job still in the work queue");
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await world.violations()).toEqual([]);
});
