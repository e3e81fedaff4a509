// Issue 4's "Done when", through `npm start` itself (infra/bin/start.mjs, as a newcomer runs
// it): on a fresh data folder the demo video is seeded through the real pipeline, a curl
// multipart upload and a tus upload both end published with metadata and a thumbnail, and
// SIGTERM stops everything it started. A restart on the same folder does not seed again, and
// SEED_DEMO=0 seeds nothing on a fresh one.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { MediaItem } from "@streamstack/contracts";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePortsBelowEphemeral, isPortFree } from "../src/procs/ports.ts";
import { killStaleIn, signalGroup } from "../src/procs/reaper.ts";
import { repoRoot } from "../src/procs/s3.ts";
import { eventually, makeMp4, makePaddedMp4 } from "../src/testing/index.ts";
import {
  jsonFetch,
  keepLogs,
  login,
  rangeRead,
  settled,
  streamToken,
  wholeRange,
} from "../src/testing/platform.ts";

const run = promisify(execFile);
const PORT_VARS = [
  "HTTP_PORT",
  "NATS_PORT",
  "NATS_MONITOR_PORT",
  "PG_PORT",
  "S3_PORT",
  "AUTH_PORT",
  "CATALOGUE_PORT",
  "STREAMING_PORT",
  "INGEST_PORT",
  "THUMBNAILER_PORT",
] as const;
const ADMIN_EMAIL = "admin@streamstack.local"; // config.ts's default: the test sets none
const START_BOUND = 180_000;
const MiB = 1024 * 1024;

let dataDir: string;
let logDir: string;
let ports: Record<(typeof PORT_VARS)[number], number>;
let gateway: string;
let current: Started | undefined;
let adminToken: string;

interface Started {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly done: boolean;
}

const BANNER = "StreamStack is running";
/** How many times npmStart() ran: the log gains one banner per start. */
let starts = 0;

/** `npm start`'s own entry, detached (its own process group), output appended to a log. */
function npmStart(extraEnv: Record<string, string> = {}): Started {
  starts++;
  const out = openSync(join(logDir, "npm-start.log"), "a");
  // A fresh shell's environment, not vitest's: only what a person would have, plus the ports.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/root",
    DATA_DIR: dataDir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  };
  if (process.env.FFMPEG_PATH) env.FFMPEG_PATH = process.env.FFMPEG_PATH;
  const child = spawn(process.execPath, ["infra/bin/start.mjs"], {
    cwd: repoRoot,
    env: { ...env, ...extraEnv },
    detached: true,
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  return {
    child,
    exited,
    get done() {
      return done;
    },
  };
}

/** Logins through the gateway so far (the demo seed's first step is one), from nginx's log. */
async function gatewayLogins(): Promise<number> {
  const log = await readFile(join(logDir, "nginx-access.log"), "utf8");
  return log.split("\n").filter((l) => l.includes('"uri":"/api/v1/auth/login"')).length;
}

const startLog = () => readFileSync(join(logDir, "npm-start.log"), "utf8");
const tail = (text: string, lines = 40) => text.split("\n").slice(-lines).join("\n");

/**
 * Until this start's banner is printed and the gateway answers through to auth; fails at
 * once if `npm start` exits. The gateway answers a moment before the banner (nginx is up
 * before it is printed), so waiting for the gateway alone raced the banner's checks.
 */
async function gatewayUp(started: Started): Promise<void> {
  await eventually(
    async () => {
      if (started.done) throw new Error(`npm start exited early:\n${tail(startLog())}`);
      if (startLog().split(BANNER).length - 1 < starts) return false;
      const res = await fetch(`${gateway}/api/v1/auth/jwks.json`).catch(() => undefined);
      return res?.status === 200;
    },
    "the banner and the gateway of `npm start`",
    START_BOUND,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- npm start output ---\n${tail(startLog())}`);
  });
}

/** Stops with SIGTERM as Ctrl-C would; returns how it exited (SIGKILL to the group if stuck). */
async function stopStart(started: Started, boundMs = 60_000) {
  started.child.kill("SIGTERM");
  const late = new Promise<"late">((r) => setTimeout(() => r("late"), boundMs).unref());
  const how = await Promise.race([started.exited, late]);
  if (how === "late") {
    if (started.child.pid) signalGroup(started.child.pid, "SIGKILL");
    await started.exited;
  }
  return how;
}

/** Pids recorded under DATA_DIR/run (first line of each pidfile; nginx writes its own). */
function recordedPids(): Map<string, number> {
  const dir = join(dataDir, "run");
  const pids = new Map<string, number>();
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const pid = Number(readFileSync(join(dir, name), "utf8").split("\n")[0]);
    if (name.endsWith(".pid") && Number.isInteger(pid) && pid > 1) pids.set(name, pid);
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    // A zombie has an empty cmdline: gone for our purposes.
    return readFileSync(`/proc/${pid}/cmdline`, "utf8") !== "";
  } catch {
    return false;
  }
}

/** Processes whose command line names the data folder (nats, postgres, nginx, s3rver). */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const cmd = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      } catch {
        return "";
      }
    })();
    if (cmd.includes(dir) && Number(pid) !== process.pid) found.push(`${pid} ${cmd}`);
  }
  return found;
}

/** The two bytes every JPEG starts with, and its frame size from the first SOFn marker. */
function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  for (let i = 2; i + 9 < bytes.length; ) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1] ?? 0;
    const length = bytes.readUInt16BE(i + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isSof) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return undefined;
}

/** The item's thumbnail through the gateway: a JPEG no wider than 640. */
async function expectThumbnail(item: MediaItem) {
  expect(item.thumbnail_url, `${item.title}: thumbnail_url`).toEqual(expect.any(String));
  const res = await fetch(`${gateway}${item.thumbnail_url}`);
  expect(res.status, `${item.title}: thumbnail status`).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^image\/jpeg/);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect([...bytes.subarray(0, 2)], `${item.title}: JPEG magic`).toEqual([0xff, 0xd8]);
  const size = jpegSize(bytes);
  expect(size, `${item.title}: JPEG frame size`).toBeDefined();
  expect(size?.width).toBeGreaterThan(0);
  expect(size?.width).toBeLessThanOrEqual(640);
}

/** Published with the prober's facts. */
function expectPublished(item: MediaItem, size: { width: number; height: number }) {
  expect(item.status, `${item.title}: ${item.failure_reason}`).toBe("published");
  expect(item.duration_s).toBeGreaterThan(0);
  expect(item.video_codec).toBe("h264");
  expect({ width: item.width, height: item.height }).toEqual(size);
}

/** A stream token, then a byte range of the item through the gateway (206). */
/** An upload ended published with its title, probe metadata, exact size, thumbnail and bytes. */
async function expectUploaded(
  mediaId: string,
  title: string,
  mp4: Buffer,
  size: { width: number; height: number },
) {
  const item = await settled(gateway, adminToken, mediaId);
  expect(item.title).toBe(title);
  expectPublished(item, size);
  expect(item.size_bytes).toBe(mp4.length);
  await expectThumbnail(item);
  await expectPlays(item, mp4);
}

async function expectPlays(item: MediaItem, original?: Buffer) {
  const url = `${gateway}${await streamToken(gateway, adminToken, item.id)}`;
  const r = await rangeRead(url, "bytes=0-1023");
  expect(wholeRange(r), JSON.stringify(r)).toBe(true);
  expect(r.announced).toBe(1024);
  if (original) {
    const res = await fetch(url, { headers: { range: "bytes=1000-4999" } });
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).equals(original.subarray(1000, 5000))).toBe(true);
  }
}

async function listAll(): Promise<MediaItem[]> {
  const a = await jsonFetch(`${gateway}/api/v1/catalogue/?status=all&limit=100`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (a.status !== 200) throw new Error(`catalogue list: ${a.status} ${JSON.stringify(a.body)}`);
  return (a.body as { items: MediaItem[] }).items;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "streamstack-npm-start-"));
  await chmod(dataDir, 0o711); // Postgres runs as its own uid and must pass through (not list)
  logDir = join(dataDir, "logs");
  await mkdir(logDir, { recursive: true });
  // Not freePort(): the UI build and the restarts leave time for such a port to be taken.
  const picked = await freePortsBelowEphemeral(PORT_VARS.length);
  ports = Object.fromEntries(PORT_VARS.map((name, i) => [name, picked[i]])) as typeof ports;
  gateway = `http://127.0.0.1:${ports.HTTP_PORT}`;
  current = npmStart();
  await gatewayUp(current);
}, START_BOUND + 30_000);

afterAll(async () => {
  if (!dataDir) return;
  // Whatever failed: the starter's group first, then what it recorded (its owner is gone now).
  if (current && !current.done) await stopStart(current, 30_000);
  await killStaleIn(join(dataDir, "run")).catch(() => undefined);
  for (const line of processesUsing(dataDir)) signalGroup(Number(line.split(" ")[0]), "SIGKILL");
  await keepLogs({ logDir }, "npm-start");
  await rm(dataDir, { recursive: true, force: true });
}, 90_000);

describe("npm start on a fresh data folder", () => {
  it("prints the banner and logs in with the generated admin password", async () => {
    const password = (await readFile(join(dataDir, "admin-password"), "utf8")).trim();
    expect(password.length).toBeGreaterThanOrEqual(8);
    const out = startLog();
    expect(out).toContain(BANNER);
    expect(out).toContain(`http://localhost:${ports.HTTP_PORT}`);
    expect(out).toContain(`${ADMIN_EMAIL} / ${password}`);
    adminToken = await login(gateway, { email: ADMIN_EMAIL, password });
  });

  it(
    "seeds exactly one demo video, published, with a thumbnail, and it plays",
    async () => {
      const items = await eventually(
        async () => {
          const all = await listAll().catch(() => []);
          return all.length > 0 && all.every((i) => i.status !== "processing") && all;
        },
        "the demo video to be seeded and processed",
        START_BOUND,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n--- npm start output ---\n${tail(startLog())}`);
      });
      expect(items.map((i) => i.title)).toEqual(["StreamStack demo"]);
      const [demo] = items as [MediaItem];
      expectPublished(demo, { width: 1280, height: 720 });
      expect(demo.duration_s).toBeCloseTo(12, 0);
      await expectThumbnail(demo);
      await expectPlays(demo);
      expect(readFileSync(join(dataDir, "demo-seeded"), "utf8").trim()).toBe(demo.id);
    },
    START_BOUND + 30_000,
  );

  it("publishes an upload made with curl (multipart)", async () => {
    const mp4 = await makeMp4({ seconds: 2, size: "960x540" });
    const file = join(dataDir, "from-curl.mp4");
    await writeFile(file, mp4);
    // The real curl, as issue 4 and the README show it: no explicit type (curl sends
    // application/octet-stream for .mp4), so the ingest edge must sniff the container.
    const { stdout } = await run("curl", [
      ...["-sS", "-w", "\n%{http_code}"],
      ...["-H", `Authorization: Bearer ${adminToken}`],
      ...["-F", `file=@${file}`, "-F", "title=Uploaded with curl"],
      `${gateway}/api/v1/ingest/upload`,
    ]);
    const status = stdout.slice(stdout.lastIndexOf("\n") + 1);
    const body = stdout.slice(0, stdout.lastIndexOf("\n"));
    expect(status, body).toBe("202");
    const { media_id } = JSON.parse(body) as { media_id: string };
    await expectUploaded(media_id, "Uploaded with curl", mp4, { width: 960, height: 540 });
  }, 150_000);

  it("publishes an upload made with tus-js-client (resumable, three chunks)", async () => {
    const mp4 = await makePaddedMp4(3 * MiB, await makeMp4({ seconds: 2, size: "320x240" }));
    const mediaId = await new Promise<string>((resolve, reject) => {
      const upload = new tus.Upload(mp4, {
        endpoint: `${gateway}/api/v1/ingest/tus/`,
        chunkSize: MiB,
        headers: { Authorization: `Bearer ${adminToken}` },
        metadata: { filename: "from-tus.mp4", filetype: "video/mp4", title: "Uploaded with tus" },
        retryDelays: [],
        onError: reject,
        onSuccess: ({ lastResponse }) => resolve(lastResponse.getHeader("Upload-Media-Id") ?? ""),
      });
      upload.start();
    });
    expect(mediaId).toMatch(/^[0-9a-f-]{36}$/);
    await expectUploaded(mediaId, "Uploaded with tus", mp4, { width: 320, height: 240 });
  }, 150_000);

  it("stops everything it started on SIGTERM, exiting 0", async () => {
    const started = current as Started;
    const pids = recordedPids();
    // nats, postgres, s3rver, five services, nginx
    expect([...pids.keys()].sort()).toEqual(
      [
        "nats",
        "postgres",
        "s3rver",
        "auth",
        "catalogue",
        "streaming",
        "ingest",
        "thumbnailer",
        "nginx",
      ]
        .map((n) => `${n}.pid`)
        .sort(),
    );
    for (const [name, pid] of pids) expect(alive(pid), `${name} ${pid} alive`).toBe(true);

    const how = await stopStart(started);
    expect(how, `npm start output:\n${tail(startLog())}`).toEqual({ code: 0, signal: null });
    for (const [name, pid] of pids) expect(alive(pid), `${name} ${pid} still running`).toBe(false);
    expect(processesUsing(dataDir)).toEqual([]);
    const busy = async () => {
      const states = await Promise.all(
        Object.entries(ports).map(async ([k, p]) => ((await isPortFree(p)) ? "" : `${k}=${p}`)),
      );
      return states.filter(Boolean);
    };
    // A socket may linger a moment after its process is gone.
    await eventually(
      async () => (await busy()).length === 0,
      "every port to be free",
      10_000,
    ).catch(async () => expect(await busy()).toEqual([]));
  }, 90_000);

  it(
    "does not seed the demo again when restarted on the same data folder",
    async () => {
      const before = await gatewayLogins();
      current = npmStart();
      await gatewayUp(current);
      // The seed's first step, right after the banner, is an admin login through the gateway:
      // none may come (the marker says it was done). Ours comes after this window.
      await new Promise((r) => setTimeout(r, 5_000));
      expect(await gatewayLogins()).toBe(before);
      expect(startLog()).toContain("generated on an earlier start");
      const password = (await readFile(join(dataDir, "admin-password"), "utf8")).trim();
      adminToken = await login(gateway, { email: ADMIN_EMAIL, password });
      const titles = (await listAll()).map((i) => i.title).sort();
      expect(titles).toEqual(["StreamStack demo", "Uploaded with curl", "Uploaded with tus"]);
      const how = await stopStart(current);
      expect(how, `npm start output:\n${tail(startLog())}`).toEqual({ code: 0, signal: null });
    },
    START_BOUND + 90_000,
  );

  it(
    "seeds nothing with SEED_DEMO=0, even on a fresh data folder",
    async () => {
      // A first start again: everything but the logs goes (new cluster, new admin password).
      for (const name of readdirSync(dataDir).filter((n) => n !== "logs"))
        await rm(join(dataDir, name), { recursive: true, force: true });
      const before = await gatewayLogins();
      const logBefore = startLog().length;
      current = npmStart({ SEED_DEMO: "0" });
      await gatewayUp(current);
      // The seed would log in right after the banner (see above); give it the same window.
      await new Promise((r) => setTimeout(r, 5_000));
      expect(await gatewayLogins()).toBe(before);
      const thisStart = startLog().slice(logBefore);
      expect(thisStart).toContain("generated on this first start");
      expect(thisStart).not.toContain("demo video");
      expect(existsSync(join(dataDir, "demo-seeded"))).toBe(false);
      const password = (await readFile(join(dataDir, "admin-password"), "utf8")).trim();
      adminToken = await login(gateway, { email: ADMIN_EMAIL, password });
      expect(await listAll()).toEqual([]);
      const how = await stopStart(current);
      expect(how, `npm start output:\n${tail(startLog())}`).toEqual({ code: 0, signal: null });
    },
    START_BOUND + 90_000,
  );
});
