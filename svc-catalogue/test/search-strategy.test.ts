import { randomUUID } from "node:crypto";
import { createTestDatabase } from "@streamstack/infra";
import { and, desc, inArray, type SQL, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCatalogueDatabase } from "../src/db/database.ts";
import { mediaColumns } from "../src/db/media-item.ts";
import { listMedia, type MediaFilter } from "../src/db/media-queries.ts";
import { mediaItems } from "../src/db/schema.ts";
import { prefixTsQuery } from "../src/domain/search.ts";

// The two-phase search (recent window, then GIN) must answer exactly what the one
// obvious query answers; small windows make every path of it run.
let database: Awaited<ReturnType<typeof openCatalogueDatabase>>;
const WORDS = ["orbit", "orchid", "nebula", "comet", "harbor", "zebra", "zen", "dawn"];
const STATUSES = ["processing", "published", "failed"] as const;

beforeAll(async () => {
  database = await openCatalogueDatabase(await createTestDatabase("catalogue_search"));
  const base = Date.parse("2024-01-01T00:00:00Z");
  const rows = Array.from({ length: 400 }, (_, i) => {
    const id = randomUUID();
    // Rare words only among old rows, common ones everywhere, and many timestamp ties.
    const words = [WORDS[i % 5], i > 300 ? "zebra" : WORDS[(i * 7) % 5], i % 50 === 0 ? "zen" : ""];
    return {
      id,
      title: words.join(" "),
      description: i % 3 === 0 ? "at dawn" : "",
      status: STATUSES[i % 3]!,
      s3Key: `media/${id}.mp4`,
      sizeBytes: 1,
      contentType: "video/mp4",
      createdAt: new Date(base - Math.floor(i / 3) * 1000),
    };
  });
  await database.db.insert(mediaItems).values(rows);
});
afterAll(() => database?.close());

async function reference(filter: MediaFilter) {
  const where: SQL[] = [sql`${mediaItems.search} @@ to_tsquery('simple', ${filter.tsquery})`];
  if (filter.statuses !== "all") where.push(inArray(mediaItems.status, filter.statuses));
  if (filter.after) {
    const { createdAt, id } = filter.after;
    where.push(
      sql`(${mediaItems.createdAt}, ${mediaItems.id}) < (${createdAt.toISOString()}::timestamptz, ${id}::uuid)`,
    );
  }
  return database.db
    .select(mediaColumns)
    .from(mediaItems)
    .where(and(...where))
    .orderBy(desc(mediaItems.createdAt), desc(mediaItems.id))
    .limit(filter.limit);
}

describe("search strategy", () => {
  it("returns exactly the reference query's rows for any words, window, cursor and page size", async () => {
    const all = await database.db
      .select({ id: mediaItems.id, createdAt: mediaItems.createdAt })
      .from(mediaItems)
      .orderBy(desc(mediaItems.createdAt), desc(mediaItems.id));
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(
          WORDS.map((w) => w.slice(0, 3)),
          { minLength: 1, maxLength: 2 },
        ),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 500 }),
        fc.option(fc.integer({ min: 0, max: all.length - 1 })),
        fc.constantFrom<MediaFilter["statuses"]>("all", ["published"], ["failed", "processing"]),
        async (words, limit, searchWindow, cursorAt, statuses) => {
          const after = cursorAt === null ? undefined : all[cursorAt];
          const filter = {
            statuses,
            tsquery: prefixTsQuery(words.join(" ")) ?? "",
            after,
            limit,
            searchWindow,
          };
          const got = (await listMedia(database.db, filter)).map((r) => r.id);
          expect(got).toEqual((await reference(filter)).map((r) => r.id));
        },
      ),
      { numRuns: 150 },
    );
  });
});
