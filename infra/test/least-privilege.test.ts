import { randomUUID } from "node:crypto";
import {
  BUCKETS,
  CONSUMERS,
  collectServiceStats,
  connectNats,
  type NatsConnection,
  openBucket,
  RPC,
  request,
  STREAMS,
  SUBJECTS,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logger, makeMp4, startWorld, type World } from "./least-privilege-world.ts";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const base = (port: number) => `http://127.0.0.1:${port}`;

async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 45_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the pipeline under per-service NATS users", () => {
  it("upload → published → stream token → range read, with no permission violation", async () => {
    const login = await fetch(`${base(world.ports.auth)}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(world.admin),
    });
    expect(login.status).toBe(200);
    const { access_token: token } = (await login.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${token}` };

    // The admin's live feed (catalogue follows CATALOGUE_EVENTS with an ephemeral consumer).
    const abort = new AbortController();
    const feed = await fetch(`${base(world.ports.catalogue)}/api/v1/catalogue/events`, {
      headers: auth,
      signal: abort.signal,
    });
    expect(feed.status).toBe(200);
    const feedText = feed.body!.pipeThrough(new TextDecoderStream()).getReader();

    const mp4 = await makeMp4();
    const form = new FormData();
    form.set("title", "Least privilege");
    form.set("file", new Blob([mp4], { type: "video/mp4" }), "lp.mp4");
    const upload = await fetch(`${base(world.ports.ingest)}/api/v1/ingest/upload`, {
      method: "POST",
      headers: auth,
      body: form,
    });
    expect(upload.status).toBe(202);
    const { media_id } = (await upload.json()) as { media_id: string };

    const item = await eventually(async () => {
      const res = await fetch(`${base(world.ports.catalogue)}/api/v1/catalogue/${media_id}`, {
        headers: auth,
      });
      const body = (await res.json()) as { status: string };
      return body.status === "processing" ? undefined : body;
    }, "published");
    expect(item).toMatchObject({ status: "published", video_codec: "h264" });

    let text = "";
    while (!(text.includes(media_id) && text.includes("media.published"))) {
      const chunk = await feedText.read();
      if (chunk.done) throw new Error(`live feed ended early: ${text}`);
      text += chunk.value;
    }
    abort.abort();

    // A resumable (tus) upload too: ingest's upload locks live in NATS.
    const tusBase = `${base(world.ports.ingest)}/api/v1/ingest/tus/`;
    const tus = { ...auth, "tus-resumable": "1.0.0" };
    const created = await fetch(tusBase, {
      method: "POST",
      headers: {
        ...tus,
        "upload-length": String(mp4.length),
        "upload-metadata": `filename ${btoa("lp-tus.mp4")},title ${btoa("Resumable")}`,
      },
    });
    expect(created.status).toBe(201);
    const patched = await fetch(new URL(created.headers.get("location")!, tusBase), {
      method: "PATCH",
      headers: {
        ...tus,
        "upload-offset": "0",
        "content-type": "application/offset+octet-stream",
      },
      body: mp4,
    });
    expect(patched.status).toBe(204);

    // Ingest's operator view: stream and consumer lists, $SRV stats.
    const pipeline = await fetch(`${base(world.ports.ingest)}/api/v1/ingest/pipeline`, {
      headers: auth,
    });
    expect(pipeline.status).toBe(200);
    const view = (await pipeline.json()) as { services: { name: string }[] };
    expect(new Set(view.services.map((s) => s.name)).size).toBe(5);

    const issued = await fetch(
      `${base(world.ports.catalogue)}/api/v1/catalogue/${media_id}/stream-token`,
      { method: "POST", headers: auth },
    );
    expect(issued.status).toBe(200);
    const { stream_url } = (await issued.json()) as { stream_url: string };
    const range = await fetch(`${base(world.ports.streaming)}${stream_url}`, {
      headers: { range: "bytes=100-199" },
    });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(mp4.subarray(100, 200));

    logger.debug("pipeline done");
    expect(await world.violations()).toEqual([]);
  });
});

const bytes = (s: string) => new TextEncoder().encode(s);
const EVENTS = STREAMS.catalogueEvents.name;

/** The call is refused, and refused by the server's permissions (not by chance). */
async function refused(subject: string, attempt: () => Promise<unknown>) {
  const before = (await world.violations()).length;
  await expect(attempt()).rejects.toThrow();
  await eventually(
    async () => {
      const lines = (await world.violations()).slice(before);
      return lines.some((l) => l.includes(`"${subject}"`)) || undefined;
    },
    `a permission violation for ${subject}`,
    5000,
  );
}

/** A media item created through catalogue's RPC (as ingest), so CATALOGUE_EVENTS has events. */
async function createMedia(ingest: NatsConnection) {
  const media_id = randomUUID();
  await request(ingest, RPC.mediaCreate, {
    media_id,
    title: "For integrators",
    s3_key: `${media_id}.mp4`,
    size_bytes: 1,
    content_type: "video/mp4",
  });
  return media_id;
}

describe("what a service may not do", () => {
  it("the thumbnailer cannot ask for a stream token nor write auth-keys", async () => {
    const nc = await world.connectAs("thumbnailer");
    await refused(SUBJECTS.tokenIssue, () =>
      nc.request(SUBJECTS.tokenIssue, bytes("{}"), { timeout: 2000 }),
    );
    const subject = `$KV.${BUCKETS.authKeys.name}.jwks`;
    await refused(subject, () =>
      nc.jetstream().publish(subject, bytes('{"keys":[]}'), { timeout: 2000 }),
    );
    await refused(`$JS.API.STREAM.INFO.KV_${BUCKETS.authKeys.name}`, () =>
      openBucket(nc, BUCKETS.authKeys, { replicas: 1 }),
    );
  });

  it("ingest reads revoked-tokens but cannot write it; it cannot publish catalogue events", async () => {
    const nc = await world.connectAs("ingest");
    const kv = await openBucket(nc, BUCKETS.revokedTokens, { replicas: 1 });
    const key = `jti.${randomUUID()}`;
    await refused(`$KV.${BUCKETS.revokedTokens.name}.${key}`, () => kv.put(key, bytes("{}")));
    expect(await kv.get(key)).toBeNull();
    await refused(SUBJECTS.catalogueEvent("media.published"), () =>
      nc.jetstream().publish(SUBJECTS.catalogueEvent("media.published"), bytes("{}"), {
        timeout: 2000,
      }),
    );
  });

  it("a service cannot delete a stream, even its own", async () => {
    const nc = await world.connectAs("catalogue");
    const jsm = await nc.jetstreamManager();
    await refused(`$JS.API.STREAM.DELETE.${EVENTS}`, () => jsm.streams.delete(EVENTS));
  });

  it("only a stream's owner changes its definition; a reader cannot (ingest reads events)", async () => {
    const jsm = await (await world.connectAs("ingest")).jetstreamManager();
    const { config } = await jsm.streams.info(EVENTS);
    await refused(`$JS.API.STREAM.UPDATE.${EVENTS}`, () =>
      jsm.streams.update(EVENTS, { ...config, max_age: 1_000_000_000 }),
    );
    const owner = await (await world.connectAs("catalogue")).jetstreamManager();
    await expect(owner.streams.update(EVENTS, config)).resolves.toBeDefined();
  });
});

describe("the integrator account", () => {
  it("subscribes to catalogue events and replays them through its own durable consumer", async () => {
    const nc = await world.connectAs("integrator");
    const live = nc.subscribe(SUBJECTS.catalogueEvents);
    await nc.flush();
    const mediaId = await createMedia(await world.connectAs("ingest"));
    // Events of earlier tests' items may still be arriving: wait for this item's first one.
    for await (const m of live) {
      if (!new TextDecoder().decode(m.data).includes(mediaId)) continue;
      expect(m.subject).toBe("catalogue.events.media.created");
      live.unsubscribe();
    }

    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info(EVENTS)).state.messages).toBeGreaterThan(0);
    await jsm.consumers.add(EVENTS, {
      durable_name: "crm-sync",
      ack_policy: "explicit" as never,
      deliver_policy: "all" as never,
      filter_subject: SUBJECTS.catalogueEvents,
    });
    const consumer = await nc.jetstream().consumers.get(EVENTS, "crm-sync");
    const seen: string[] = [];
    for (;;) {
      const m = await consumer.next({ expires: 2000 });
      if (!m) break;
      seen.push(new TextDecoder().decode(m.data));
      await m.ackAck();
    }
    expect(seen.some((s) => s.includes(mediaId))).toBe(true);
    expect((await jsm.consumers.info(EVENTS, "crm-sync")).num_ack_pending).toBe(0);
    // Replay from sequence 1 with an ordered consumer (its own, ephemeral).
    const replay = await nc.jetstream().consumers.get(EVENTS, { opt_start_seq: 1 });
    const first = await replay.next({ expires: 2000 });
    expect(first?.seq).toBe(1);
    await jsm.consumers.delete(EVENTS, "crm-sync");
  });

  it("cannot publish events, delete the stream, or touch the platform's consumers", async () => {
    const nc = await world.connectAs("integrator");
    const jsm = await nc.jetstreamManager();
    const subject = SUBJECTS.catalogueEvent("x");
    await refused(subject, async () => {
      nc.publish(subject, bytes("{}"));
      await nc.jetstream().publish(subject, bytes("{}"), { timeout: 2000 });
    });
    await refused(`$JS.API.STREAM.DELETE.${EVENTS}`, () => jsm.streams.delete(EVENTS));
    const platform = CONSUMERS.mediaCleanup.durable;
    await refused(`$JS.API.CONSUMER.DELETE.${EVENTS}.${platform}`, () =>
      jsm.consumers.delete(EVENTS, platform),
    );
    await refused(`$JS.API.CONSUMER.MSG.NEXT.${EVENTS}.${platform}`, async () => {
      const c = await nc.jetstream().consumers.get(EVENTS, platform);
      await c.next({ expires: 1000 }).then((m) => {
        if (m === null) throw new Error("nothing delivered");
      });
    });
    await refused(SUBJECTS.processingJob, async () => {
      // A refused subscription ends its iterator with the permission error.
      for await (const _ of nc.subscribe(SUBJECTS.processingJob)) break;
    });
    expect((await jsm.streams.info(EVENTS)).config.name).toBe(EVENTS);
  });
});

describe("the ops account", () => {
  it("reads $SRV stats and stream/consumer info", async () => {
    const nc = await world.connectAs("ops");
    const stats = await collectServiceStats(nc);
    expect(new Set(stats.map((s) => s.name))).toEqual(
      new Set(["auth", "catalogue", "streaming", "ingest", "thumbnailer"]),
    );
    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info(EVENTS)).config.name).toBe(EVENTS);
    const jobs = CONSUMERS.processingJobs;
    expect((await jsm.consumers.info(jobs.stream, jobs.durable)).name).toBe(jobs.durable);
    const names: string[] = [];
    for await (const s of jsm.streams.list()) names.push(s.config.name);
    expect(names).toContain(EVENTS);
  });

  it("cannot publish, change streams, or read the keys of stream-tokens", async () => {
    const nc = await world.connectAs("ops");
    const jsm = await nc.jetstreamManager();
    await refused(SUBJECTS.processingJob, () =>
      nc.jetstream().publish(SUBJECTS.processingJob, bytes("{}"), { timeout: 2000 }),
    );
    await refused(`$JS.API.STREAM.DELETE.${EVENTS}`, () => jsm.streams.delete(EVENTS));
    const tokens = `KV_${BUCKETS.streamTokens.name}`;
    await refused(`$JS.API.STREAM.INFO.${tokens}`, () =>
      jsm.streams.info(tokens, { subjects_filter: ">" }),
    );
  });
});

describe("who may connect", () => {
  const connect = (user?: string, password?: string) =>
    connectNats({ url: world.natsUrl, name: "stranger", user, password }, logger).then((nc) =>
      nc.close(),
    );

  it("refuses anonymous clients and wrong passwords", async () => {
    await expect(connect()).rejects.toThrow(/authorization/i);
    await expect(connect("ops", "not-the-password")).rejects.toThrow(/authorization/i);
    await expect(connect("ops", world.passwords.ops)).resolves.toBeUndefined();
  });
});
