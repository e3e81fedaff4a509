// The integrator example (infra/examples/integrator.ts) as an integrator runs it: a child
// process against a real nats-server, reading events the real catalogue published.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  BUCKETS,
  CatalogueEvent,
  connectNats,
  createLogger,
  type JetStreamManager,
  NATS_ROLES,
  type NatsConnection,
  type NatsRole,
  openBucket,
  publishProcessingResult,
  RPC,
  renderNatsAuthConfig,
  request,
  STREAMS,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningCatalogue, startCatalogue } from "../../svc-catalogue/src/app.ts";
import { CatalogueEnv } from "../../svc-catalogue/src/config.ts";
import {
  createTestDatabase,
  createTestIssuer,
  startTestNats,
  type TestNats,
} from "../src/testing/index.ts";

const EXAMPLE = fileURLToPath(new URL("../examples/integrator.ts", import.meta.url));
const STREAM = STREAMS.catalogueEvents.name;
const logger = createLogger("integrator-test", "silent");

let nats: TestNats;
let nc: NatsConnection;
let jsm: JetStreamManager;
let catalogue: RunningCatalogue;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connectNats({ url: nats.url, name: "integrator-test" }, logger);
  await createTestIssuer(nc);
  jsm = await nc.jetstreamManager();
  const config = CatalogueEnv.parse({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    NATS_URL: nats.url,
    DATABASE_URL: await createTestDatabase("integrator"),
  });
  catalogue = await startCatalogue(config, { logger });
});
afterAll(async () => {
  await catalogue?.close();
  await nc?.close();
  await nats?.stop();
});

/** Records items as ingest does; resolves once their events are in the stream. */
async function createItems(titles: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const title of titles) {
    const media_id = randomUUID();
    await request(nc, RPC.mediaCreate, {
      media_id,
      title,
      s3_key: `media/${media_id}.mp4`,
      size_bytes: 1000,
      content_type: "video/mp4",
    });
    ids.push(media_id);
  }
  return ids;
}

/** Waits (bounded) until the stream holds `n` events: the outbox publishes asynchronously. */
async function streamHolds(n: number) {
  for (let i = 0; i < 750; i++) {
    if ((await jsm.streams.info(STREAM)).state.messages >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stream never held ${n} events`);
}

interface Printed {
  seq: number;
  subject: string;
  event: CatalogueEvent;
}

/** Runs the example to completion; its stdout is one JSON line per event. */
function runIntegrator(
  args: string[],
  env: Record<string, string> = { NATS_URL: nats.url, NATS_USER: "", NATS_PASSWORD: "" },
): Promise<Printed[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", EXAMPLE, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const guard = setTimeout(() => child.kill("SIGKILL"), 45_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(guard);
      if (code !== 0) return reject(new Error(`integrator exited ${code}: ${err}`));
      resolve(
        out
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Printed),
      );
    });
  });
}

describe("integrator example", () => {
  let first: string[];
  let second: string[];
  let since: string;

  beforeAll(async () => {
    first = await createItems(["One", "Two", "Three"]);
    await streamHolds(3);
    // The clock moves on between the batches, so a start time separates them.
    await new Promise((r) => setTimeout(r, 20));
    since = new Date().toISOString();
    second = await createItems(["Four"]);
    await publishProcessingResult(nc.jetstream(), {
      outcome: "succeeded",
      media_id: second[0]!,
      probe: {
        duration_s: 2,
        video_codec: "h264",
        audio_codec: null,
        width: 320,
        height: 240,
        fps: 25,
        bitrate: 1000,
      },
      thumbnail_key: `thumbnails/${second[0]}.jpg`,
      finished_at: new Date().toISOString(),
    });
    await streamHolds(5);
  });

  it("replays from a sequence: validated events in order, then acknowledged", async () => {
    const printed = await runIntegrator(["--durable", "by-seq", "--from-seq", "2", "--max", "4"]);
    expect(printed.map((p) => p.seq)).toEqual([2, 3, 4, 5]);
    for (const p of printed) expect(CatalogueEvent.parse(p.event)).toEqual(p.event);
    expect(printed.map((p) => p.event.type)).toEqual([
      "media.created",
      "media.created",
      "media.created",
      "media.published",
    ]);
    for (const p of printed) expect(p.subject).toBe(`catalogue.events.${p.event.type}`);
    const ids = printed.map((p) => ("media" in p.event ? p.event.media.id : p.event.media_id));
    expect(ids).toEqual([first[1], first[2], second[0], second[0]]);
    const info = await jsm.consumers.info(STREAM, "by-seq");
    expect(info.ack_floor.stream_seq).toBe(5);
    expect(info.num_ack_pending).toBe(0);
  });

  it("replays from a time: only what happened since", async () => {
    const printed = await runIntegrator(["--durable", "by-time", "--since", since, "--max", "2"]);
    expect(printed.map((p) => p.event.type)).toEqual(["media.created", "media.published"]);
    expect(printed.every((p) => p.event.occurred_at >= since)).toBe(true);
    expect(printed.map((p) => p.seq)).toEqual([4, 5]);
  });

  it("a durable resumes after its last acknowledged event; a start option replays again", async () => {
    const [late] = await createItems(["Late"]);
    await streamHolds(6);
    const resumed = await runIntegrator(["--durable", "by-seq", "--max", "1"]);
    expect(resumed.map((p) => [p.seq, p.event.type])).toEqual([[6, "media.created"]]);
    expect(resumed[0]?.event).toMatchObject({ media: { id: late, title: "Late" } });
    const replayed = await runIntegrator(["--durable", "by-seq", "--from-seq", "1", "--max", "1"]);
    expect(replayed[0]).toMatchObject({ seq: 1, event: { media: { id: first[0] } } });
  });
});

describe("integrator example with NATS permissions", () => {
  it("reads and replays as the integrator user, which may only manage its own consumers", async () => {
    const passwords = Object.fromEntries(NATS_ROLES.map((r) => [r, randomUUID()])) as Record<
      NatsRole,
      string
    >;
    const secured = await startTestNats({ config: renderNatsAuthConfig({ users: passwords }) });
    const as = (user: NatsRole) =>
      connectNats(
        { url: secured.url, name: `test-${user}`, user, password: passwords[user] },
        logger,
      );
    const auth = await as("auth");
    const ingest = await as("ingest");
    let service: RunningCatalogue | undefined;
    try {
      // What auth would have published before the catalogue's verifier starts.
      await createTestIssuer(auth);
      await openBucket(auth, BUCKETS.revokedTokens, { replicas: 1 });
      service = await startCatalogue(
        CatalogueEnv.parse({
          PORT: "0",
          HOST: "127.0.0.1",
          LOG_LEVEL: "silent",
          NATS_URL: secured.url,
          NATS_USER: "catalogue",
          NATS_PASSWORD: passwords.catalogue,
          DATABASE_URL: await createTestDatabase("integrator_auth"),
        }),
        { logger },
      );
      const ids: string[] = [];
      for (const title of ["A", "B"]) {
        const media_id = randomUUID();
        await request(ingest, RPC.mediaCreate, {
          media_id,
          title,
          s3_key: `media/${media_id}.mp4`,
          size_bytes: 1,
          content_type: "video/mp4",
        });
        ids.push(media_id);
      }
      const env = {
        NATS_URL: secured.url,
        NATS_USER: "integrator",
        NATS_PASSWORD: passwords.integrator,
      };
      const printed = await runIntegrator(
        ["--durable", "crm", "--from-seq", "1", "--max", "2"],
        env,
      );
      expect(printed.map((p) => [p.seq, (p.event as { media: { id: string } }).media.id])).toEqual([
        [1, ids[0]],
        [2, ids[1]],
      ]);
      // The same durable again: a replay replaces the integrator's own consumer.
      const again = await runIntegrator(["--durable", "crm", "--from-seq", "2", "--max", "1"], env);
      expect(again.map((p) => p.seq)).toEqual([2]);
    } finally {
      await service?.close();
      await auth.close();
      await ingest.close();
      await secured.stop();
    }
  });
});
