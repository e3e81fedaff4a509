// Load (issue 7): 20 concurrent uploads all end published with a thumbnail; then 200
// concurrent viewers read player-like ranges for LOAD_SECONDS (default 60) with zero errors
// (every byte compared with its source) while the streaming process's memory stays bounded:
// its live set does not grow, its RSS stays within a fixed bound over idle.
// The figures are printed and written to .test-artifacts/load.json for the README.
// Run alone (vitest project "load", after the integration files): it saturates both cores.
import { randomInt } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { Agent } from "node:http";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import {
  eventually,
  makeMp4,
  makePaddedMp4,
  startTestStack,
  type TestStack,
} from "../src/testing/index.ts";
import {
  liveSetGrowth,
  loadAverage,
  median,
  percentile,
  readProcess,
  round,
  sampleHeap,
  sampleProcess,
} from "./load-figures.ts";
import {
  postStreamToken,
  type ReadKind,
  type ReadOutcome,
  type Video,
  watch,
} from "./load-viewers.ts";

const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const VIEWERS = Number(process.env.LOAD_VIEWERS ?? 200);
const UPLOADS = 20;
const TUS_UPLOADS = 3; // of the 20: resumable uploads (create + one PATCH)
/** Leak bound: growth of streaming's live set (see liveSetGrowth), not a timing claim. */
const LIVE_SET_GROWTH_LIMIT_MIB = 20;
/**
 * Streaming's RSS at its peak over its RSS before the viewers: about 1 MiB a viewer. Seen:
 * +78 to +118 MiB at 200 viewers, in 60 s and 180 s runs (the Buffers in flight at their
 * high-water mark, see liveSetGrowth).
 */
const RSS_BOUND_MIB = 200;
const MiB = 1024 * 1024;

let stack: TestStack;
let adminAuth: Record<string, string>;
let viewerAuth: Record<string, string>;
const videos: Video[] = [];
const figures: Record<string, unknown> = { viewers: VIEWERS, load_seconds: LOAD_SECONDS };
let failed = false;
const noteFailure = () =>
  onTestFailed(() => {
    failed = true;
  });

const api = (svc: "auth" | "catalogue" | "ingest", path: string) =>
  `${stack.services[svc].url}/api/v1/${svc}${path}`;

async function login(credentials: { email: string; password: string }) {
  const res = await fetch(api("auth", "/login"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(credentials),
  });
  expect(res.status).toBe(200);
  const { access_token } = (await res.json()) as { access_token: string };
  return { authorization: `Bearer ${access_token}` };
}

beforeAll(async () => {
  stack = await startTestStack({ ownPostgres: true, ownS3: true, logLevel: "warn" });
  adminAuth = await login(stack.admin);
  const viewer = { email: "viewer@load.test", password: "viewer-password-1" };
  const registered = await fetch(api("auth", "/register"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(viewer),
  });
  expect(registered.status).toBe(201);
  viewerAuth = await login(viewer);
}, 180_000);

afterAll(async () => {
  if (failed && stack) {
    // The stack's logs go with its temp dir: show what the services complained about first.
    for (const [name, svc] of Object.entries(stack.services)) {
      const lines = (await readFile(svc.logFile, "utf8").catch(() => "")).split("\n");
      const bad = lines.filter((l) => /"level":(40|50|60)|error|warn/i.test(l)).slice(-15);
      if (bad.length) console.log(`--- ${name} warnings/errors ---\n${bad.join("\n")}`);
    }
    // s3rver logs only what it dies of: its last lines say why storage refused connections.
    const s3log = await readFile(join(stack.logDir, "s3rver.log"), "utf8").catch(() => "");
    console.log(`--- s3rver log (last lines) ---\n${s3log.split("\n").slice(-30).join("\n")}`);
  }
  await stack?.stop();
  await mkdir(new URL("../../.test-artifacts/", import.meta.url), { recursive: true });
  await writeFile(
    new URL("../../.test-artifacts/load.json", import.meta.url),
    `${JSON.stringify(figures, null, 2)}\n`,
  );
  // The per-second series stay in the file; the console gets the figures.
  const brief = JSON.stringify(figures, (k, v) =>
    k === "streaming_heap_mib" || k === "streaming_rss_each_s" ? undefined : v,
  );
  console.log(`load figures (all in .test-artifacts/load.json): ${brief}`);
});

/** One upload: multipart (→ 202) or tus (create → 201, PATCH → 204); returns the media id. */
async function upload(bytes: Buffer, i: number): Promise<string> {
  const title = `Load ${i}`;
  if (i < UPLOADS - TUS_UPLOADS) {
    const form = new FormData();
    form.set("title", title);
    form.set("file", new Blob([bytes], { type: "video/mp4" }), `load-${i}.mp4`);
    const res = await fetch(api("ingest", "/upload"), {
      method: "POST",
      headers: adminAuth,
      body: form,
    });
    const body = await res.text();
    expect(res.status, body).toBe(202);
    return (JSON.parse(body) as { media_id: string }).media_id;
  }
  const tus = { ...adminAuth, "tus-resumable": "1.0.0" };
  const created = await fetch(api("ingest", "/tus/"), {
    method: "POST",
    headers: {
      ...tus,
      "upload-length": String(bytes.length),
      "upload-metadata": `filename ${btoa(`load-${i}.mp4`)},title ${btoa(title)}`,
    },
  });
  expect(created.status).toBe(201);
  const patched = await fetch(new URL(created.headers.get("location")!, api("ingest", "/tus/")), {
    method: "PATCH",
    headers: { ...tus, "upload-offset": "0", "content-type": "application/offset+octet-stream" },
    body: bytes,
  });
  expect(patched.status).toBe(204);
  return patched.headers.get("upload-media-id")!;
}

describe("load", () => {
  it(`${UPLOADS} concurrent uploads (${TUS_UPLOADS} by tus) all end published with a thumbnail`, async () => {
    noteFailure();
    // Distinct files of 1.5–6 MiB: two real clips, each copy padded with its own random bytes.
    const clips = await Promise.all([makeMp4({ seconds: 2 }), makeMp4({ seconds: 3 })]);
    const files = await Promise.all(
      Array.from({ length: UPLOADS }, (_, i) =>
        makePaddedMp4(1.5 * MiB + randomInt(4.5 * MiB), clips[i % 2]),
      ),
    );
    const t0 = performance.now();
    const ids = await Promise.all(files.map((bytes, i) => upload(bytes, i)));
    const acceptedS = (performance.now() - t0) / 1000;
    expect(new Set(ids).size).toBe(UPLOADS);

    const items = await Promise.all(
      ids.map((id) =>
        eventually(
          async () => {
            const res = await fetch(api("catalogue", `/${id}`), { headers: adminAuth });
            const item = (await res.json()) as { status: string; thumbnail_url: string | null };
            return item.status === "processing" ? undefined : item;
          },
          `${id} to leave processing`,
          240_000,
        ),
      ),
    );
    const publishedS = (performance.now() - t0) / 1000;
    for (const item of items) expect(item).toMatchObject({ status: "published" });
    for (const item of items) {
      expect(item.thumbnail_url).toEqual(expect.any(String));
      const thumb = await fetch(`${stack.services.streaming.url}${item.thumbnail_url}`);
      expect(thumb.status).toBe(200);
      expect(thumb.headers.get("content-type")).toBe("image/jpeg");
      expect(Buffer.from(await thumb.arrayBuffer()).subarray(0, 2)).toEqual(
        Buffer.from([0xff, 0xd8]),
      );
    }
    videos.push(...ids.map((id, i) => ({ id, bytes: files[i]! })));
    figures.uploads = {
      count: UPLOADS,
      tus: TUS_UPLOADS,
      total_mib: round(files.reduce((n, f) => n + f.length, 0) / MiB),
      all_accepted_s: round(acceptedS),
      all_published_s: round(publishedS),
    };
  }, 360_000);

  it(
    `${VIEWERS} concurrent viewers read ranges for ${LOAD_SECONDS} s: zero errors, no leak, bounded RSS`,
    async () => {
      noteFailure();
      expect(videos).toHaveLength(UPLOADS);
      const pid = stack.services.streaming.pid!;
      // One kept-alive connection per viewer. A connection the server's 5 s idle timeout
      // closes just as it is reused fails before any answer: readRange sends that again.
      const agent = new Agent({ keepAlive: true, maxSockets: VIEWERS, maxFreeSockets: VIEWERS });
      const errors: string[] = [];
      let errorCount = 0;
      const fail = (error: string) => {
        errorCount++;
        if (errors.length < 20) errors.push(error);
      };
      const counts: Record<ReadKind, number> = { range: 0, seek: 0, suffix: 0, whole: 0 };
      const ttfb: number[] = [];
      const complete: number[] = [];
      let bytes = 0;
      const record = (kind: ReadKind, o: ReadOutcome) => {
        counts[kind]++;
        bytes += o.bytes;
        ttfb.push(o.ttfbMs);
        if (o.totalMs !== undefined) complete.push(o.totalMs);
        if (o.error) fail(o.error);
        if (o.resent) resent++;
      };
      // Tokens over their own pool, as a browser's API calls share no connection with media.
      const tokenAgent = new Agent({ keepAlive: true });
      let resent = 0;
      const onResend = () => {
        resent++;
      };
      const issueToken = (id: string) =>
        postStreamToken(tokenAgent, api("catalogue", `/${id}/stream-token`), viewerAuth, onResend);

      const before = readProcess(pid)!;
      const sampler = sampleProcess(pid);
      const heap = sampleHeap(`${stack.services.streaming.url}/metrics`);
      const t0 = performance.now();
      const until = t0 + LOAD_SECONDS * 1000;
      const streamingUrl = stack.services.streaming.url;
      await Promise.all(
        Array.from({ length: VIEWERS }, () =>
          watch({ agent, streamingUrl, issueToken, videos, until, record, fail }),
        ),
      );
      const elapsedS = (performance.now() - t0) / 1000;
      const samples = await sampler.stop();
      const heapSamples = await heap.stop();
      agent.destroy();
      tokenAgent.destroy();
      const after = readProcess(pid);
      const requests = Object.values(counts).reduce((a, b) => a + b, 0);
      const live = liveSetGrowth(heapSamples, LOAD_SECONDS);
      const peakRss = Math.max(...samples.map((s) => s.rssMiB));
      const heapSeries = heapSamples.map((h) =>
        [h.t, h.heapUsedMiB, h.heapTotalMiB, h.externalMiB].map((n) => round(n, 0)),
      );
      figures.viewing = {
        requests,
        by_kind: counts,
        errors: errorCount,
        resent_on_closed_keepalive: resent,
        gib: round(bytes / 1024 ** 3, 2),
        requests_per_s: round(requests / elapsedS),
        mib_per_s: round(bytes / MiB / elapsedS),
        ttfb_ms: { p50: round(median(ttfb)), p99: round(percentile(ttfb, 99)) },
        complete_read_ms: { p50: round(median(complete)), p99: round(percentile(complete, 99)) },
        streaming_rss_mib: {
          start: round(before.rssMiB),
          peak: round(peakRss),
          end: round(after?.rssMiB ?? Number.NaN),
        },
        streaming_live_set_floor_mib: { early: round(live.earlyMiB), late: round(live.lateMiB) },
        // Every second: [second, V8 heap used, heap total, external (Buffers)], MiB.
        streaming_heap_mib: heapSeries,
        streaming_rss_each_s: samples.map((x) => round(x.rssMiB, 0)),
        streaming_cpu_s: round((after?.cpuS ?? Number.NaN) - before.cpuS),
        load_average: loadAverage(),
      };

      expect(errors, `${errorCount} errors in ${requests} reads`).toEqual([]);
      expect(after, "the streaming process is still running").toBeDefined();
      expect((await fetch(`${streamingUrl}/readyz`)).status).toBe(200);
      expect(requests).toBeGreaterThan(VIEWERS); // every viewer got answers, not just a token
      const heapText = JSON.stringify(heapSeries);
      expect(live.samplesIn, `scrapes of /metrics per window: ${heapText}`).toBeGreaterThan(8);
      expect(live.growthMiB, `live set floor, early → late: ${heapText}`).toBeLessThan(
        LIVE_SET_GROWTH_LIMIT_MIB,
      );
      const rssSeries = JSON.stringify(samples.map((s) => round(s.rssMiB)));
      expect(peakRss - before.rssMiB, `RSS each second: ${rssSeries}`).toBeLessThan(RSS_BOUND_MIB);
    },
    (LOAD_SECONDS + 120) * 1000,
  );
});
