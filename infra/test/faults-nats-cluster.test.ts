// A 3-node NATS cluster on loopback with R3 streams and buckets (issue 7, Faults): the whole
// platform as real processes with NATS_REPLICAS=3 against infra/nats's cluster config. While
// viewers read byte ranges and new viewers get stream tokens, uploads run and the node that
// leads CATALOGUE_EVENTS is killed (-9). Every accepted upload ends published, the stream
// holds each upload's created and published event exactly once, a token issued before the
// kill still plays after it (read back from the R3 KV by a freshly started streaming
// process), reads go on without an error, and the killed node catches up when restarted.
// Then the node leading the stream-token KV is killed while new viewers press play: every
// play still gets its token (catalogue waits out the election) and its first bytes. An
// operator's live event feed (SSE), open throughout, delivers every publication, also after
// the node its consumer lives on is killed.
import {
  connectNats,
  createLogger,
  type JetStreamManager,
  type NatsConnection,
  STREAMS,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openSse } from "../../svc-catalogue/test/sse.ts";
import { SERVICES } from "../src/service-env.ts";
import { eventually, makeMp4, startTestStack, type TestStack } from "../src/testing/index.ts";
import {
  type ClusterNode,
  startTestNatsCluster,
  type TestNatsCluster,
} from "../src/testing/nats-cluster.ts";
import {
  catalogueEvents,
  keepLogs,
  login,
  type RangeRead,
  rangeRead,
  settled,
  streamToken,
  uploadMultipart,
  wholeRange,
} from "../src/testing/platform.ts";

const UPLOADS = 8;
const KILL_AFTER = 3; // uploads accepted before the node dies; the rest run across it
const VIEWERS = 3;

let cluster: TestNatsCluster;
let stack: TestStack;
let ops: NatsConnection;
let jsm: JetStreamManager;
let admin: string;
let video: Buffer;
const logger = createLogger("faults-nats-cluster", "silent");

/** Retries while the cluster elects leaders (a bounded wait, not a timing claim). */
async function settledCluster<T>(what: string, fn: () => Promise<T>): Promise<T> {
  let last: unknown;
  const value = await eventually(
    async () => {
      try {
        return await fn();
      } catch (err) {
        last = err;
        return undefined;
      }
    },
    what,
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}: ${String(last)}`);
  });
  return value;
}

beforeAll(async () => {
  cluster = await startTestNatsCluster();
  ops = await connectNats(
    { url: cluster.url, name: "fault-test-ops", ...cluster.users.ops },
    logger,
  );
  jsm = await settledCluster("JetStream to answer", () => ops.jetstreamManager());
  await settledCluster("a meta leader", async () => (await jsm.getAccountInfo()).streams >= 0);
  const replicas = Object.fromEntries(SERVICES.map((s) => [s, { NATS_REPLICAS: "3" }]));
  stack = await startTestStack({ nats: { url: cluster.url, users: cluster.users }, env: replicas });
  admin = await login(stack.services.auth.url, stack.admin);
  video = await makeMp4({ seconds: 2 });
}, 300_000);

afterAll(async () => {
  await keepLogs(stack, "faults-nats-cluster");
  await ops?.close();
  await stack?.stop();
  await cluster?.stop();
});

/** A viewer seeking around one video until told to stop; every answer is kept. */
function viewer(url: string, size: number, stop: { now: boolean }) {
  const reads: { at: number; r: RangeRead }[] = [];
  const done = (async () => {
    for (let i = 0; !stop.now; i++) {
      const start = (i * 7_919) % Math.max(1, size - 65_536);
      const end = Math.min(size - 1, start + 65_535);
      reads.push({ at: Date.now(), r: await rangeRead(url, `bytes=${start}-${end}`) });
    }
  })();
  return { reads, done };
}

const nodeNamed = (name: string | undefined): ClusterNode => {
  const node = cluster.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no cluster node named ${name}`);
  return node;
};

it("loses no event, no token and no read when the CATALOGUE_EVENTS leader, then the stream-token KV leader, is killed", async () => {
  const { catalogue, ingest, streaming } = stack.services;
  // Every stream and bucket the services made is R3.
  const replicas = await settledCluster("the stream list", async () => {
    const out: [string, number][] = [];
    for await (const s of jsm.streams.list()) out.push([s.config.name, s.config.num_replicas]);
    return out;
  });
  for (const [name, n] of replicas) expect(n, name).toBe(3);

  // A published video and a token for it, issued before anything fails.
  const first = await uploadMultipart(ingest.url, admin, video, "before");
  expect(first.status, JSON.stringify(first.body)).toBe(202);
  const firstId = (first.body as { media_id: string }).media_id;
  const item = await settled(catalogue.url, admin, firstId);
  expect(item.status).toBe("published");
  const size = item.size_bytes ?? 0;
  const tokenBefore = `${streaming.url}${await streamToken(catalogue.url, admin, firstId)}`;

  // An operator's live feed (the UI's pipeline page), open across the kill: its consumer
  // may be the one on the node that dies.
  const live = await openSse(`${catalogue.url}/api/v1/catalogue/events`, {
    authorization: `Bearer ${admin}`,
  });
  expect(live.res.status).toBe(200);
  expect(await live.until((f) => f.comment === "connected")).toBeDefined();
  const liveEnded = live.until(() => false); // reads on in the background until closed

  const stop = { now: false };
  const viewers = Array.from({ length: VIEWERS }, () => viewer(tokenBefore, size, stop));
  // New viewers pressing play: a stream token each (catalogue → streaming → KV R3).
  const newViewers = pressingPlay(firstId, stop);
  const uploads: { status: number; id?: string; body: unknown }[] = [];
  let killedAt = 0;
  let victim: ClusterNode | undefined;
  let roles: string[] = [];
  const uploading = (async () => {
    for (let i = 0; i < UPLOADS; i++) {
      if (i === KILL_AFTER) {
        // The hardest node to lose: the one leading the event stream (and maybe more).
        victim = nodeNamed(await leaderOf(STREAMS.catalogueEvents.name));
        const name = victim.name;
        roles = await settledCluster("leaderships", () => leaderships(name));
        killedAt = Date.now();
        // Uploads already on the wire cross the kill.
        const inFlight = uploadMultipart(ingest.url, admin, video, `upload-${i}`);
        await victim.kill();
        const a = await inFlight;
        uploads.push({ status: a.status, body: a.body, id: mediaIdOf(a.body) });
        continue;
      }
      const a = await uploadMultipart(ingest.url, admin, video, `upload-${i}`);
      uploads.push({ status: a.status, body: a.body, id: mediaIdOf(a.body) });
    }
  })();
  await uploading;
  expect(victim, "a node was killed").toBeDefined();

  // Every accepted upload ends published, with the node still down.
  const accepted = uploads.filter((u) => u.status === 202);
  for (const u of accepted) {
    const settledItem = await settled(catalogue.url, admin, u.id ?? "", 180_000);
    expect(settledItem.status, settledItem.failure_reason ?? "").toBe("published");
  }
  // Keep the viewers going a little past the last publication (a bounded number of reads).
  const seen = viewers.reduce((n, v) => n + v.reads.length, 0);
  await eventually(
    () =>
      viewers.reduce((n, v) => n + v.reads.length, 0) >= seen + 30 && newViewers.answers.length > 5,
    "viewers to read on after the last publication",
    60_000,
  );
  stop.now = true;
  await Promise.all([...viewers.map((v) => v.done), newViewers.done]);

  const reads = viewers.flatMap((v) => v.reads);
  const afterKill = reads.filter((x) => x.at >= killedAt);
  const badReads = reads.filter((x) => !wholeRange(x.r));
  const tokenAnswers = newViewers.answers;
  const badTokens = tokenAnswers.filter((t) => !t.ok);
  console.log(
    `killed ${victim?.name} (${roles.join(", ")}); uploads ${uploads.map((u) => u.status).join(" ")}; ` +
      `reads ${reads.length} (${afterKill.length} after the kill), bad ${badReads.length}; ` +
      `new tokens ${tokenAnswers.length}, bad ${badTokens.length}`,
    JSON.stringify(uploads.filter((u) => u.status !== 202)),
  );
  expect(uploads.map((u) => u.status)).toEqual(Array(UPLOADS).fill(202));
  expect(afterKill.length).toBeGreaterThan(0);
  expect(badReads.map((x) => x.r)).toEqual([]);
  expect(badTokens.map((t) => t.why)).toEqual([]);

  // Exactly once: per upload one created and one published event, no event id twice.
  const ids = [firstId, ...accepted.map((u) => u.id ?? "")];
  const events = await settledCluster("events of every upload", async () => {
    const all = await catalogueEvents(cluster.url, cluster.users.integrator);
    const published = all.filter((e) => e.event.type === "media.published");
    if (!ids.every((id) => published.some((e) => mediaIdOfEvent(e.event) === id)))
      throw new Error("not every published event is there yet");
    return all;
  });
  const eventIds = events.map((e) => e.event.event_id);
  expect(new Set(eventIds).size).toBe(eventIds.length);
  for (const id of ids) {
    const mine = events.filter((e) => mediaIdOfEvent(e.event) === id).map((e) => e.event.type);
    expect(
      mine.filter((t) => t === "media.created"),
      id,
    ).toHaveLength(1);
    expect(
      mine.filter((t) => t === "media.published"),
      id,
    ).toHaveLength(1);
  }

  // The live feed went on through the kill: every upload's publication reached it.
  const livePublished = () =>
    new Set(
      live.frames
        .filter((f) => f.event === "media.published")
        .map((f) => (JSON.parse(f.data ?? "{}") as { media?: { id?: string } }).media?.id),
    );
  await eventually(
    () => accepted.every((u) => livePublished().has(u.id)),
    "every publication on the live feed opened before the kill",
    90_000,
  ).catch((err: Error) => {
    const missing = accepted.filter((u) => !livePublished().has(u.id)).map((u) => u.id);
    throw new Error(`${err.message}; missing ${missing.join(", ")}`);
  });

  // The token issued before the kill, read back from KV by a streaming process that never
  // saw it (a restart empties the cache), with the node still down.
  await streaming.kill();
  await streaming.start();
  const again = await rangeRead(tokenBefore, `bytes=0-${size - 1}`);
  expect(wholeRange(again), JSON.stringify(again)).toBe(true);

  // The killed node comes back and catches up with every stream it holds a replica of.
  await victim!.start();
  await caughtUp(victim!);

  // The hardest case for tokens: the node leading the stream-token KV dies while new
  // viewers press play (it may be the one just restarted, or another).
  const kvLeader = nodeNamed(await leaderOf("KV_stream-tokens"));
  const stop2 = { now: false };
  const players = pressingPlay(firstId, stop2);
  await eventually(() => players.answers.length >= 3, "plays before the second kill", 60_000);
  const killed2At = Date.now();
  await kvLeader.kill();
  await eventually(
    () => players.answers.filter((a) => a.at > killed2At && a.ok).length >= 20,
    "20 plays after the stream-token KV leader died",
    90_000,
  );
  stop2.now = true;
  await players.done;
  const bad2 = players.answers.filter((a) => !a.ok);
  const slowest = Math.max(...players.answers.map((a) => a.ms));
  console.log(
    `killed ${kvLeader.name} (KV_stream-tokens leader): plays ${players.answers.length}, ` +
      `bad ${bad2.length}, slowest ${slowest} ms`,
  );
  expect(bad2.map((a) => a.why)).toEqual([]);
  await kvLeader.start();
  await caughtUp(kvLeader);

  // Last, the node the live feed's consumer lives on (a single replica on 2.9) dies: the
  // feed moves to another node and delivers the next publication.
  const feedNode = nodeNamed(await settledCluster("the live feed's consumer", liveFeedNode));
  await feedNode.kill();
  const next = await uploadMultipart(ingest.url, admin, video, "after-the-feed-node-died");
  expect(next.status, JSON.stringify(next.body)).toBe(202);
  const nextId = mediaIdOf(next.body) ?? "";
  expect((await settled(catalogue.url, admin, nextId, 180_000)).status).toBe("published");
  const feedMoved = Date.now();
  await eventually(
    () => livePublished().has(nextId),
    "the live feed to deliver after its consumer's node died",
    90_000,
  );
  console.log(
    `killed ${feedNode.name} (live feed consumer): delivered ${Date.now() - feedMoved} ms after publication`,
  );
  live.close();
  await liveEnded;
  await feedNode.start();
  await caughtUp(feedNode);
}, 600_000);

/** The node holding the live feed's consumer (catalogue's only ephemeral on the stream). */
async function liveFeedNode(): Promise<string> {
  for await (const c of jsm.consumers.list(STREAMS.catalogueEvents.name))
    if (!c.config.durable_name && c.cluster?.leader) return c.cluster.leader;
  throw new Error("no live feed consumer on CATALOGUE_EVENTS");
}

const mediaIdOf = (body: unknown) => (body as { media_id?: string } | undefined)?.media_id;
const mediaIdOfEvent = (e: { type: string }) =>
  "media" in e ? (e as { media: { id: string } }).media.id : (e as { media_id?: string }).media_id;

/** The last sequence of each stream as stored on one node (its monitoring endpoint). */
async function localStreams(node: ClusterNode): Promise<Map<string, number>> {
  const res = await fetch(`${node.monitorUrl}/jsz?accounts=true&streams=true`);
  const body = (await res.json()) as {
    account_details?: { stream_detail?: { name: string; state: { last_seq: number } }[] }[];
  };
  const out = new Map<string, number>();
  for (const a of body.account_details ?? [])
    for (const s of a.stream_detail ?? []) out.set(s.name, s.state.last_seq);
  return out;
}

/** What a node leads: the meta group and which streams (KV buckets are streams too). */
async function leaderships(name: string): Promise<string[]> {
  const out: string[] = [];
  const meta = (await (await fetch(`${nodeNamed(name).monitorUrl}/jsz`)).json()) as {
    meta_cluster?: { leader?: string };
  };
  if (meta.meta_cluster?.leader === name) out.push("meta leader");
  for await (const s of jsm.streams.list()) if (s.cluster?.leader === name) out.push(s.config.name);
  // The live feed's ephemeral consumer (R1 on 2.9): when it is here, the feed must move.
  for await (const c of jsm.consumers.list(STREAMS.catalogueEvents.name))
    if (c.cluster?.leader === name && !c.config.durable_name) out.push(`ephemeral ${c.name}`);
  return out;
}

/** New viewers pressing play one after another: a stream token, then a first range read. */
function pressingPlay(mediaId: string, stop: { now: boolean }) {
  const { catalogue, streaming } = stack.services;
  const answers: { at: number; ms: number; ok: boolean; why?: string }[] = [];
  const done = (async () => {
    while (!stop.now) {
      const at = Date.now();
      try {
        const path = await streamToken(catalogue.url, admin, mediaId);
        const r = await rangeRead(`${streaming.url}${path}`, "bytes=0-1023");
        answers.push({ at, ms: Date.now() - at, ok: wholeRange(r), why: JSON.stringify(r) });
      } catch (err) {
        answers.push({ at, ms: Date.now() - at, ok: false, why: String(err) });
      }
    }
  })();
  return { answers, done };
}

/** Waits (bounded) until a restarted node holds every stream up to date. */
async function caughtUp(node: ClusterNode) {
  const lastSeq = await settledCluster(
    "CATALOGUE_EVENTS info",
    async () => (await jsm.streams.info(STREAMS.catalogueEvents.name)).state.last_seq,
  );
  await settledCluster(`${node.name} to catch up`, async () => {
    const mine = (await localStreams(node)).get(STREAMS.catalogueEvents.name);
    if (mine === undefined || mine < lastSeq) throw new Error(`${node.name} at ${mine}/${lastSeq}`);
    for await (const s of jsm.streams.list()) {
      const behind = s.cluster?.replicas?.filter((r) => !r.current || (r.lag ?? 0) > 0) ?? [];
      if (s.cluster?.leader === undefined || behind.length > 0)
        throw new Error(`${s.config.name}: ${JSON.stringify(s.cluster)}`);
    }
    return true;
  });
}

/** The current leader of a stream (KV buckets included), from the stream list. */
async function leaderOf(stream: string): Promise<string | undefined> {
  return settledCluster(`a leader for ${stream}`, async () => {
    for await (const s of jsm.streams.list())
      if (s.config.name === stream && s.cluster?.leader) return s.cluster.leader;
    throw new Error(`${stream} has no leader`);
  });
}
