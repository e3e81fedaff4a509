// Delete while processing, on the whole platform (five services as real processes):
// the admin deletes an item while ffmpeg holds its frame; ingest removes the upload,
// the thumbnailer's cleanup runs, and only then does ffmpeg hand its JPEG over. In the
// end neither the media object nor a thumbnail may exist.
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import {
  eventually,
  makeMp4,
  s3ClientConfig,
  startTestStack,
  type TestStack,
} from "@streamstack/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FFMPEG } from "./media.ts";
import { metricValue } from "./support.ts";

let stack: TestStack;
let s3: S3Client;
let dir: string;
const marker = () => join(dir, "ffmpeg.has-frame");
const go = () => join(dir, "ffmpeg.go");

/** ffmpeg that renders the frame at once but hands it over only once `go` exists. */
async function heldFfmpeg(): Promise<string> {
  const path = join(dir, "ffmpeg-held");
  await writeFile(
    path,
    `#!/bin/sh
[ "$1" = "-version" ] && exec "${FFMPEG}" "$@"
out="${dir}/frame.$$"
"${FFMPEG}" "$@" > "$out"; code=$?
touch "${marker()}"
while [ ! -e "${go()}" ]; do sleep 0.1; done
cat "$out"; exit $code
`,
  );
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "delete-platform-"));
  stack = await startTestStack({ env: { thumbnailer: { FFMPEG_PATH: await heldFfmpeg() } } });
  s3 = new S3Client(s3ClientConfig(stack.s3));
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  s3?.destroy();
  await rm(dir, { recursive: true, force: true });
});

async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const thumbnailerMetrics = async () =>
  (await fetch(`${stack.services.thumbnailer.url}/metrics`)).text();

it("leaves neither media object nor thumbnail when an item is deleted mid-processing", async () => {
  const login = await json(`${stack.services.auth.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(stack.admin),
  });
  const auth = { authorization: `Bearer ${login.body.access_token}` };
  const form = new FormData();
  form.append("title", "Deleted mid-way");
  form.append("file", new Blob([await makeMp4({ seconds: 2 })], { type: "video/mp4" }), "d.mp4");
  const upload = await json(`${stack.services.ingest.url}/api/v1/ingest/upload`, {
    method: "POST",
    headers: auth,
    body: form,
  });
  expect(upload.status, JSON.stringify(upload.body)).toBe(202);
  const id: string = upload.body.media_id;

  await eventually(() => existsSync(marker()), "ffmpeg to hold the frame", 120_000);
  const del = await fetch(`${stack.services.catalogue.url}/api/v1/catalogue/${id}`, {
    method: "DELETE",
    headers: auth,
  });
  expect(del.status).toBe(204);
  // Both owners handled the delete before any thumbnail exists.
  const mediaKeys = async () =>
    (await s3.send(new ListObjectsV2Command({ Bucket: stack.s3.buckets.media, Prefix: id })))
      .Contents ?? [];
  await eventually(async () => (await mediaKeys()).length === 0, "ingest to remove the upload");
  await eventually(
    async () =>
      metricValue(await thumbnailerMetrics(), "thumbnailer_thumbnails_deleted_total") >= 1,
    "the thumbnailer's cleanup to run",
  );

  await writeFile(go(), ""); // now the JPEG arrives and is written
  await eventually(async () => {
    const text = await thumbnailerMetrics();
    const busy = metricValue(text, "jetstream_consumer_num_ack_pending", {
      consumer: "thumbnailer",
    });
    const queued = metricValue(text, "jetstream_consumer_num_pending", { consumer: "thumbnailer" });
    const done = metricValue(text, "thumbnailer_jobs_total", { outcome: "succeeded" });
    return done >= 1 && busy === 0 && queued === 0;
  }, "the job to finish");

  const thumbnail = await s3
    .send(new HeadObjectCommand({ Bucket: stack.s3.buckets.thumbnails, Key: `${id}.jpg` }))
    .then(
      () => "exists",
      (err: { name?: string }) => err.name,
    );
  expect(thumbnail).toBe("NotFound");
  expect(await mediaKeys()).toEqual([]);
  expect(
    (await fetch(`${stack.services.catalogue.url}/api/v1/catalogue/${id}`, { headers: auth }))
      .status,
  ).toBe(404);
}, 300_000);
