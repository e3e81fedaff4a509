import type { MediaStatus } from "@streamstack/contracts";
import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
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
}

/** Newest first, keyset-paged: stable while items are added, O(limit) at any depth. */
export async function listMedia(db: CatalogueDb, filter: MediaFilter): Promise<StoredMedia[]> {
  const where: SQL[] = [];
  if (filter.statuses !== "all") where.push(inArray(mediaItems.status, filter.statuses));
  if (filter.tsquery !== undefined) {
    where.push(sql`${mediaItems.search} @@ to_tsquery('simple', ${filter.tsquery})`);
  }
  if (filter.after) {
    const at = filter.after.createdAt.toISOString();
    where.push(
      sql`(${mediaItems.createdAt}, ${mediaItems.id}) < (${at}::timestamptz, ${filter.after.id}::uuid)`,
    );
  }
  return db
    .select(mediaColumns)
    .from(mediaItems)
    .where(and(...where))
    .orderBy(desc(mediaItems.createdAt), desc(mediaItems.id))
    .limit(filter.limit);
}

export async function findMedia(db: CatalogueDb, id: string): Promise<StoredMedia | undefined> {
  const [row] = await db.select(mediaColumns).from(mediaItems).where(eq(mediaItems.id, id));
  return row;
}
