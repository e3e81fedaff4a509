import type { MediaStatus } from "@streamstack/contracts";
import { and, desc, eq, inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { ListPosition } from "../domain/cursor.ts";
import type { CatalogueDb } from "./database.ts";
import { mediaColumns, type StoredMedia } from "./media-item.ts";
import { mediaItems } from "./schema.ts";

export interface MediaFilter {
  statuses: MediaStatus[] | "all";
  /** A tsquery built by `prefixTsQuery` (bound as a parameter, never spliced). */
  tsquery?: string | undefined;
  /** Rows strictly after this position in (created_at desc, id desc) order. */
  after?: ListPosition | undefined;
  limit: number;
  /** Newest rows a search looks through before it asks the GIN index (see below). */
  searchWindow?: number;
}

const newestFirst = [desc(mediaItems.createdAt), desc(mediaItems.id)];

const olderThan = (p: ListPosition) =>
  sql`(${mediaItems.createdAt}, ${mediaItems.id}) < (${p.createdAt.toISOString()}::timestamptz, ${p.id}::uuid)`;

/** Newest first, keyset-paged: stable while items are added, O(limit) at any depth. */
export async function listMedia(db: CatalogueDb, filter: MediaFilter): Promise<StoredMedia[]> {
  const where: SQL[] = [];
  if (filter.statuses !== "all") where.push(inArray(mediaItems.status, filter.statuses));
  if (filter.after) where.push(olderThan(filter.after));
  if (filter.tsquery !== undefined) return searchMedia(db, where, filter);
  return db
    .select(mediaColumns)
    .from(mediaItems)
    .where(and(...where))
    .orderBy(...newestFirst)
    .limit(filter.limit);
}

/**
 * Search, newest first. Left alone, Postgres walks the date index and filters, which is
 * instant for common words but reads every row for a rare or absent one (what
 * search-as-you-type produces a lot); the GIN index is the opposite. So: look for
 * matches among the newest `searchWindow` rows first (bounded work), and only when
 * they hold too few ask the GIN index for the older rest, where matches are rare.
 */
async function searchMedia(
  db: CatalogueDb,
  where: SQL[],
  filter: MediaFilter,
): Promise<StoredMedia[]> {
  const window = filter.searchWindow ?? 2000;
  const matches = (vector: SQLWrapper) => sql`${vector} @@ to_tsquery('simple', ${filter.tsquery})`;
  // A derived table, not `id IN (…)`: with IN, Postgres joins the whole GIN match set.
  const recent = db
    .select({ ...mediaColumns, search: mediaItems.search })
    .from(mediaItems)
    .where(and(...where))
    .orderBy(...newestFirst)
    .limit(window)
    .as("recent");
  const found = (
    await db
      .select()
      .from(recent)
      .where(matches(recent.search))
      .orderBy(desc(recent.createdAt), desc(recent.id))
      .limit(filter.limit)
  ).map(({ search: _, ...row }) => row);
  if (found.length >= filter.limit) return found;

  const [edge] = await db
    .select({ createdAt: mediaItems.createdAt, id: mediaItems.id })
    .from(mediaItems)
    .where(and(...where))
    .orderBy(...newestFirst)
    .offset(window - 1)
    .limit(1);
  if (!edge) return found; // the window held every candidate
  const statusOnly = filter.statuses === "all" ? [] : [inArray(mediaItems.status, filter.statuses)];
  const older = await db
    .select(mediaColumns)
    .from(mediaItems)
    .where(and(...statusOnly, olderThan(edge), matches(mediaItems.search)))
    // An expression, not the column: keeps the planner off the date index here.
    .orderBy(sql`(${mediaItems.createdAt} + interval '0 s') desc`, desc(mediaItems.id))
    .limit(filter.limit - found.length);
  return [...found, ...older];
}

export async function findMedia(db: CatalogueDb, id: string): Promise<StoredMedia | undefined> {
  const [row] = await db.select(mediaColumns).from(mediaItems).where(eq(mediaItems.id, id));
  return row;
}
