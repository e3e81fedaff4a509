import { randomUUID } from "node:crypto";
import {
  CatalogueEvent,
  CONSUMERS,
  connectNats,
  createLogger,
  encodeJson,
  type MediaCreateRequest,
  type MediaItem,
  type NatsConnection,
  type ProcessingResult,
  RPC,
  request,
  STREAMS,
  SUBJECTS,
} from "@streamstack/contracts/server";
import {
  createTestDatabase,
  createTestIssuer,
  eventually,
  startTestNats,
  type TestIssuer,
  type TestNats,
} from "@streamstack/infra";

import postgres from "postgres";
import { expect } from "vitest";
import { type RunningCatalogue, startCatalogue } from "../src/app.ts";
import { CatalogueEnv } from "../src/config.ts";

export { eventually };

const logger = createLogger("catalogue-test", process.env.TEST_LOG_LEVEL ?? "silent");

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A real nats-server, a fresh database and a catalogue on them, plus what a test needs
 * around it: tokens from a test issuer, the RPCs ingest makes, processing results as
 * the thumbnailer publishes them, and read access to the stream and the tables.
 */
export async function startCatalogueWorld(env: Record<string, string> = {}) {
  const nats: TestNats = await startTestNats();
  const databaseUrl = await createTestDatabase("catalogue");
  const nc: NatsConnection = await connectNats({ url: nats.url, name: "catalogue-test" }, logger);
  // Keys first: the service's verifier then starts with them.
  const issuer: TestIssuer = await createTestIssuer(nc);
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => undefined });
  const config = CatalogueEnv.parse({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    NATS_URL: nats.url,
    DATABASE_URL: databaseUrl,
    ...env,
  });
  let service: RunningCatalogue = await startCatalogue(config, { logger });
  const js = nc.jetstream();
  const jsm = await nc.jetstreamManager();
  const replicas: RunningCatalogue[] = [];
  const tokens = { viewer: await issuer.token(), admin: await issuer.token({ role: "admin" }) };

  const world = {
    nats,
    nc,
    js,
    jsm,
    sql,
    issuer,
    tokens,
    config,
    get base() {
      return `http://127.0.0.1:${service.port}/api/v1/catalogue`;
    },
    get port() {
      return service.port;
    },

    async api<T = unknown>(
      method: string,
      path: string,
      opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
    ): Promise<ApiAnswer<T>> {
      const token = opts.token === undefined ? tokens.admin : opts.token;
      const headers: Record<string, string> = { ...opts.headers };
      if (token) headers.authorization = `Bearer ${token}`;
      if (opts.body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(`${world.base}${path}`, {
        method,
        headers,
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: (text ? JSON.parse(text) : null) as T,
        headers: res.headers,
      };
    },

    /** What ingest does after an upload. */
    create(overrides: Partial<MediaCreateRequest> = {}) {
      const media_id = overrides.media_id ?? randomUUID();
      return request(nc, RPC.mediaCreate, {
        media_id,
        title: "Untitled",
        description: "",
        s3_key: `media/${media_id}.mp4`,
        size_bytes: 1234,
        content_type: "video/mp4",
        ...overrides,
      });
    },

    /**
     * Publishes a processing result straight to the subject, without a Nats-Msg-Id, so
     * JetStream keeps duplicates: the consumer must cope with them itself. Resolves once
     * the catalogue has acknowledged it.
     */
    async deliverResult(result: ProcessingResult) {
      const ack = await js.publish(SUBJECTS.processingResult, encodeJson(result));
      const { stream, durable } = CONSUMERS.processingResults;
      await eventually(async () => {
        const info = await jsm.consumers.info(stream, durable);
        return info.ack_floor.stream_seq >= ack.seq;
      }, `the catalogue to acknowledge result #${ack.seq}`);
    },

    succeeded(
      media_id: string,
      probe: Partial<Extract<ProcessingResult, { outcome: "succeeded" }>["probe"]> = {},
    ) {
      return world.deliverResult({
        outcome: "succeeded",
        media_id,
        thumbnail_key: `thumbnails/${media_id}.jpg`,
        finished_at: new Date().toISOString(),
        probe: {
          duration_s: 10,
          video_codec: "h264",
          audio_codec: "aac",
          width: 640,
          height: 360,
          fps: 25,
          bitrate: 800_000,
          ...probe,
        },
      });
    },

    failed(media_id: string, reason = "not a video") {
      return world.deliverResult({
        outcome: "failed",
        media_id,
        reason,
        finished_at: new Date().toISOString(),
      });
    },

    /** A published item, through the real pipeline messages. */
    async published(overrides: Partial<MediaCreateRequest> = {}): Promise<MediaItem> {
      const { item } = await world.create(overrides);
      await world.succeeded(item.id);
      const got = await world.api<MediaItem>("GET", `/${item.id}`);
      expect(got.body.status).toBe("published");
      return got.body;
    },

    /** Resolves once every committed event has left the outbox for the stream. */
    async eventsRelayed() {
      await eventually(async () => {
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from catalogue_outbox`;
        return row?.n === 0;
      }, "the outbox to empty");
    },

    /** Every message of CATALOGUE_EVENTS, validated, with its Nats-Msg-Id. */
    async streamEvents(): Promise<
      Array<{ seq: number; subject: string; msgId: string | undefined; event: CatalogueEvent }>
    > {
      await world.eventsRelayed();
      const name = STREAMS.catalogueEvents.name;
      const { state } = await jsm.streams.info(name);
      const out = [];
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
        const m = await jsm.streams.getMessage(name, { seq });
        out.push({
          seq,
          subject: m.subject,
          msgId: m.header?.get("Nats-Msg-Id"),
          event: CatalogueEvent.parse(m.json()),
        });
      }
      return out;
    },

    /** Events about one item, in stream order. */
    async eventsFor(mediaId: string) {
      const all = await world.streamEvents();
      return all.filter(({ event }) =>
        event.type === "media.deleted" ? event.media_id === mediaId : event.media.id === mediaId,
      );
    },

    /** Stops the service (as a crash or a deploy would) and starts it again on the same data. */
    async restart(overrides: Record<string, string> = {}) {
      await service.close();
      service = await startCatalogue(CatalogueEnv.parse({ ...config, ...overrides }), { logger });
    },

    /** Another instance on the same NATS and database (as compose runs two). */
    async replica(overrides: Record<string, string> = {}) {
      const extra = await startCatalogue(CatalogueEnv.parse({ ...config, ...overrides }), {
        logger,
      });
      replicas.push(extra);
      return extra;
    },

    stop: () => service.close(),
    start: async () => {
      service = await startCatalogue(config, { logger });
    },

    async close() {
      await Promise.all(replicas.map((r) => r.close().catch(() => undefined)));
      await service.close().catch(() => undefined);
      await nc.drain().catch(() => undefined);
      await sql.end({ timeout: 5 });
      await nats.stop();
    },
  };
  return world;
}

export type CatalogueWorld = Awaited<ReturnType<typeof startCatalogueWorld>>;
