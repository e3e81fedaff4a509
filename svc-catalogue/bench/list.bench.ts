/**
 * Catalogue latencies and throughput on real nats-server and Postgres, catalogue
 * in-process (one replica):
 *
 *   npx tsx svc-catalogue/bench/list.bench.ts     (ITEMS=100000 RUNS=200 CREATES=2000)
 *
 * 1. GET /catalogue as a viewer over ITEMS rows: first page, a page 50 000 rows deep
 *    (keyset cursor), prefix search, admin status filter — sequential p50/p99, plus the
 *    plan Postgres chose (index use) and, for contrast, OFFSET at the same depth; then
 *    search in Postgres alone: the two-phase search vs the one plain query.
 * 2. The ingest path: CREATES media-create RPCs (32 in flight), then as many processing
 *    results; items/s, and how long until every event reached CATALOGUE_EVENTS.
 */
import { randomUUID } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  connectNats,
  createLogger,
  publishProcessingResult,
  RPC,
  request,
  STREAMS,
} from "@streamstack/contracts/server";
import { createDatabase, createTestIssuer, startNats, startPostgres } from "@streamstack/infra";
import { and, desc, sql as dsql, eq } from "drizzle-orm";
import postgres from "postgres";
import { startCatalogue } from "../src/app.ts";
import { CatalogueEnv } from "../src/config.ts";
import { openCatalogueDatabase } from "../src/db/database.ts";
import { mediaColumns } from "../src/db/media-item.ts";
import { listMedia } from "../src/db/media-queries.ts";
import { mediaItems } from "../src/db/schema.ts";
import { encodeCursor } from "../src/domain/cursor.ts";
import { prefixTsQuery } from "../src/domain/search.ts";

const ITEMS = Number(process.env.ITEMS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 200);
const CREATES = Number(process.env.CREATES ?? 2000);
const DEPTH = Math.min(50_000, Math.floor(ITEMS / 2));
const silent = createLogger("catalogue-bench", "silent");
const dir = await mkdtemp(join(tmpdir(), "catalogue-bench-"));
await chmod(dir, 0o755); // as root, Postgres runs as "postgres" and must enter it
const nats = await startNats({ dataDir: join(dir, "nats"), port: 0, monitorPort: 0 });
const pg = await startPostgres({ dataDir: join(dir, "pg"), ephemeral: true });

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const fmt = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(2)} ms  p99 ${pct(xs, 99).toFixed(2)} ms`.padEnd(34);

try {
  const databaseUrl = await createDatabase(pg.url, "catalogue_bench");
  const config = CatalogueEnv.parse({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    NATS_URL: nats.url,
    DATABASE_URL: databaseUrl,
  });
  const nc = await connectNats({ url: nats.url, name: "bench" }, silent);
  const issuer = await createTestIssuer(nc);
  const catalogue = await startCatalogue(config, { logger: silent });
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => undefined });
  const base = `http://127.0.0.1:${catalogue.port}/api/v1/catalogue`;
  const viewer = await issuer.token();
  const admin = await issuer.token({ role: "admin" });

  // 1. Browsing over ITEMS rows (10 % still processing), words from a small vocabulary.
  const seeded = performance.now();
  await sql`
    insert into media_items (id, title, description, status, s3_key, size_bytes, content_type,
                             created_at, updated_at, published_at, thumbnail_key)
    select gen_random_uuid(),
           (array['Orbit','Nebula','Comet','Harbor','Forest','Desert','Glacier','City'])[1 + i % 8]
             || ' ' || (array['at dawn','by night','in winter','from above','up close'])[1 + i % 5]
             || ' #' || i,
           'Recorded on day ' || i || ', ' || (array['calm','stormy','bright','foggy'])[1 + i % 4],
           case when i % 10 = 0 then 'processing'::media_status else 'published'::media_status end,
           'media/' || i || '.mp4', 1000000 + i, 'video/mp4',
           now() - make_interval(secs => i), now(), now(), 'thumbnails/' || i || '.jpg'
    from generate_series(1, ${ITEMS}) as i`;
  await sql`analyze media_items`;
  console.log(`seeded ${ITEMS} items in ${((performance.now() - seeded) / 1000).toFixed(1)} s\n`);

  const [deep] = await sql<{ created_at: Date; id: string }[]>`
    select created_at, id from media_items where status = 'published'
    order by created_at desc, id desc offset ${DEPTH} limit 1`;
  const deepCursor = deep ? encodeCursor({ createdAt: deep.created_at, id: deep.id }) : "";
  const cases: Array<[string, string, string]> = [
    ["first page (viewer)", "?limit=24", viewer],
    [`page ${DEPTH} rows deep`, `?limit=24&cursor=${deepCursor}`, viewer],
    ["search 'orb'", "?limit=24&q=orb", viewer],
    ["search 'nebula wint'", "?limit=24&q=nebula%20wint", viewer],
    ["search, no match", "?limit=24&q=zebra", viewer],
    ["admin status=processing", "?limit=24&status=processing", admin],
  ];
  console.log(`GET /api/v1/catalogue over HTTP, ${RUNS} sequential requests each`);
  for (const [name, query, token] of cases) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
      times.push(performance.now() - t);
    }
    console.log(`  ${name.padEnd(26)} ${fmt(times)}`);
  }

  const plan = async (label: string, query: ReturnType<typeof sql.unsafe>) => {
    const rows = (await query) as unknown as Array<{ "QUERY PLAN": string }>;
    const lines = rows.map((r) => r["QUERY PLAN"]);
    const nodes = lines
      .filter((l) => /Scan|Sort/.test(l))
      .map((l) => l.trim().replace(/\s+\(cost.*$/, ""));
    const time = lines.find((l) => l.startsWith("Execution Time"));
    console.log(`  ${label.padEnd(26)} ${time}  [${nodes.join(" → ")}]`);
  };
  console.log("\nPostgres plans (EXPLAIN ANALYZE, the queries the edge runs)");
  const cols = "id, title, status, created_at";
  await plan(
    "first page (published)",
    sql.unsafe(`explain analyze select ${cols} from media_items where status = 'published'
      order by created_at desc, id desc limit 25`),
  );
  await plan(
    `keyset, ${DEPTH} deep`,
    sql.unsafe(
      `explain analyze select ${cols} from media_items where status = 'published'
      and (created_at, id) < ($1::timestamptz, $2::uuid) order by created_at desc, id desc limit 25`,
      [deep?.created_at.toISOString() ?? "", deep?.id ?? ""],
    ),
  );
  await plan(
    `OFFSET, ${DEPTH} deep (contrast)`,
    sql.unsafe(`explain analyze select ${cols} from media_items where status = 'published'
      order by created_at desc, id desc offset ${DEPTH} limit 25`),
  );

  // Search in the database alone: the two-phase search the edge runs vs the one plain
  // query (whose plan Postgres picks: date index + filter, or GIN + sort).
  const database = await openCatalogueDatabase(databaseUrl);
  const plainSearch = (tsquery: string) =>
    database.db
      .select(mediaColumns)
      .from(mediaItems)
      .where(
        and(
          eq(mediaItems.status, "published"),
          dsql`${mediaItems.search} @@ to_tsquery('simple', ${tsquery})`,
        ),
      )
      .orderBy(desc(mediaItems.createdAt), desc(mediaItems.id))
      .limit(25);
  console.log(
    `\nSearch in Postgres, ${RUNS} runs each: two-phase (what the edge runs) vs plain query`,
  );
  for (const words of ["o", "orb", "nebula wint", "zebra", "1234"]) {
    const tsquery = prefixTsQuery(words) ?? "";
    const twoPhase: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await listMedia(database.db, { statuses: ["published"], tsquery, limit: 25 });
      twoPhase.push(performance.now() - t);
      t = performance.now();
      await plainSearch(tsquery);
      plain.push(performance.now() - t);
    }
    console.log(`  '${words}'`.padEnd(16), `two-phase ${fmt(twoPhase)} plain ${fmt(plain)}`);
  }
  await database.close();

  // 2. The ingest path: creates, then results, then every event on the stream.
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const before = (await jsm.streams.info(STREAMS.catalogueEvents.name)).state.messages;
  const ids = Array.from({ length: CREATES }, () => randomUUID());
  const inFlight = 32;
  const t0 = performance.now();
  for (let i = 0; i < ids.length; i += inFlight) {
    await Promise.all(
      ids.slice(i, i + inFlight).map((media_id) =>
        request(nc, RPC.mediaCreate, {
          media_id,
          title: "Bench upload",
          s3_key: `media/${media_id}.mp4`,
          size_bytes: 1,
          content_type: "video/mp4",
        }),
      ),
    );
  }
  const createSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const now = new Date().toISOString();
  for (let i = 0; i < ids.length; i += inFlight) {
    await Promise.all(
      ids.slice(i, i + inFlight).map((media_id) =>
        publishProcessingResult(js, {
          outcome: "succeeded",
          media_id,
          thumbnail_key: `thumbnails/${media_id}.jpg`,
          finished_at: now,
          probe: {
            duration_s: 1,
            video_codec: "h264",
            audio_codec: null,
            width: 64,
            height: 64,
            fps: 25,
            bitrate: 1,
          },
        }),
      ),
    );
  }
  for (;;) {
    const { messages } = (await jsm.streams.info(STREAMS.catalogueEvents.name)).state;
    if (messages - before >= 2 * CREATES) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const resultSeconds = (performance.now() - t1) / 1000;
  console.log(`\nIngest path, ${CREATES} items`);
  console.log(
    `  media-create RPC, 32 in flight      ${(CREATES / createSeconds).toFixed(0)} items/s`,
  );
  console.log(
    `  results applied + all ${2 * CREATES} events on CATALOGUE_EVENTS  ${(CREATES / resultSeconds).toFixed(0)} items/s (${resultSeconds.toFixed(1)} s after the last create)`,
  );

  await sql.end();
  await catalogue.close();
  await nc.drain();
} finally {
  await nats.stop();
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}
