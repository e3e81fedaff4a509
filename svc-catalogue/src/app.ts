import {
  apiDocRoutes,
  asyncApiDocument,
  CONSUMERS,
  createEdge,
  ensureConsumer,
  ensureStream,
  type Logger,
  listen,
  mountOps,
  STREAMS,
  startKit,
  startTokenVerifier,
  Teardown,
  watchConsumerLag,
} from "@streamstack/contracts/server";
import { createCatalogue } from "./catalogue.ts";
import type { CatalogueConfig } from "./config.ts";
import { openCatalogueDatabase } from "./db/database.ts";
import { eventRoutes } from "./http/events.ts";
import { mediaRoutes } from "./http/media.ts";
import { catalogueOpenApi } from "./http/openapi.ts";
import { API_BASE } from "./http/paths.ts";
import { followCatalogueEvents } from "./nats/live-events.ts";
import { serveMediaRpc } from "./nats/media-rpc.ts";
import { startOutboxRelay } from "./nats/outbox-relay.ts";
import { consumeProcessingResults } from "./nats/processing-results.ts";
import { startStaleSweep } from "./stale-sweep.ts";

export interface RunningCatalogue {
  port: number;
  close(): Promise<void>;
}

/** The catalogue service: Postgres-backed media items behind HTTP and NATS edges. */
export async function startCatalogue(
  config: CatalogueConfig,
  opts: { logger?: Logger } = {},
): Promise<RunningCatalogue> {
  const kit = await startKit({
    name: "catalogue",
    description: "Media items: browse, search, edit; applies processing results",
    env: config,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const teardown = new Teardown();
  teardown.defer(() => kit.close());
  const closeAll = () => teardown.close();
  try {
    const database = await openCatalogueDatabase(config.DATABASE_URL);
    teardown.defer(() => database.close());
    const replicas = { replicas: config.NATS_REPLICAS };
    await ensureStream(kit.jsm, STREAMS.catalogueEvents, { ...replicas, service: "catalogue" });
    // Owned by the thumbnailer; ensured here too so the start order does not matter.
    await ensureStream(kit.jsm, STREAMS.processingResults, { ...replicas, service: "catalogue" });
    await ensureConsumer(kit.jsm, CONSUMERS.processingResults);
    const verifier = await startTokenVerifier({
      nc: kit.nc,
      issuer: config.JWT_ISSUER,
      replicas: config.NATS_REPLICAS,
      logger: kit.logger,
    });
    teardown.defer(() => verifier.stop());

    const relay = startOutboxRelay({
      db: database.db,
      js: kit.js,
      logger: kit.logger,
      pollMs: config.OUTBOX_POLL_MS,
    });
    teardown.defer(() => relay.stop());
    const catalogue = createCatalogue(database.db, relay.wake);
    serveMediaRpc(kit.service, catalogue, kit.logger, kit.metrics);
    teardown.defer(() => kit.service.stop().catch(() => undefined));
    const results = await consumeProcessingResults(kit, catalogue, config.RESULTS_CONCURRENCY);
    const sweep = startStaleSweep({
      catalogue,
      timeoutS: config.PROCESSING_TIMEOUT_S,
      everyMs: config.PROCESSING_SWEEP_MS,
      logger: kit.logger,
    });
    teardown.defer(() => sweep.stop());
    watchConsumerLag(kit.metrics, kit.jsm, [CONSUMERS.processingResults]);
    teardown.defer(() => results.stop());

    const liveStreams = new Set<() => Promise<void>>();
    const edge = createEdge(kit);
    mountOps(edge, { nats: () => kit.nc.flush(), db: () => database.sql`select 1` }, kit.metrics);
    // Before the media routes, whose /:id would otherwise see "openapi.json" and "events".
    edge.route("/", apiDocRoutes(API_BASE, catalogueOpenApi()));
    // The event contract for integrators, next to the events' owner (public, like the docs).
    const asyncApi = asyncApiDocument();
    edge.get(`${API_BASE}/asyncapi.json`, (c) => c.json(asyncApi));
    edge.route(
      "/",
      eventRoutes({
        verifier,
        follow: (afterSeq) => followCatalogueEvents(kit, afterSeq),
        heartbeatMs: config.SSE_HEARTBEAT_MS,
        onShutdown: (stop) => {
          liveStreams.add(stop);
          return () => liveStreams.delete(stop);
        },
      }),
    );
    edge.route(
      "/",
      mediaRoutes({
        catalogue,
        verifier,
        issue: { nc: kit.nc, timeoutMs: config.STREAM_TOKEN_TIMEOUT_MS },
      }),
    );
    const http = await listen(edge, { host: config.HOST, port: config.PORT });
    teardown.defer(() => http.close());
    // Open SSE responses would keep the HTTP server from closing: end them first.
    teardown.defer(() => Promise.all([...liveStreams].map((stop) => stop())));
    kit.logger.info({ port: http.port }, "catalogue listening");
    return { port: http.port, close: closeAll };
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}
