import {
  AppError,
  type MediaCreateRequest,
  type MediaItem,
  type MediaList,
  type MediaListQuery,
  type MediaUpdate,
  type ProcessingResult,
  type Role,
  type StreamTokenIssueRequest,
} from "@streamstack/contracts";
import type { CatalogueDb } from "./db/database.ts";
import {
  applyProcessingResult,
  createMedia,
  deleteMedia,
  type ResultApplication,
  staleProcessing,
  updateMedia,
} from "./db/media-commands.ts";
import { type StoredMedia, toMediaItem } from "./db/media-item.ts";
import { findMedia, listMedia } from "./db/media-queries.ts";
import { decodeCursor } from "./domain/cursor.ts";
import { cutPage } from "./domain/page.ts";
import { prefixTsQuery } from "./domain/search.ts";
import { canSee, listableStatuses } from "./domain/visibility.ts";

/** What the HTTP and NATS edges may do with the catalogue; all rules apply here. */
export interface Catalogue {
  list(role: Role, query: MediaListQuery): Promise<MediaList>;
  /** One item as `role` may see it (404 otherwise). */
  get(role: Role, id: string): Promise<MediaItem>;
  /** One item in any status, for other services (404 when absent). */
  getAny(id: string): Promise<MediaItem>;
  create(req: MediaCreateRequest): Promise<{ item: MediaItem; created: boolean }>;
  update(id: string, patch: MediaUpdate): Promise<MediaItem>;
  remove(id: string): Promise<void>;
  applyResult(result: ProcessingResult): Promise<ResultApplication>;
  /** Fails items `processing` for longer than `timeoutS` (see stale-sweep.ts); their ids. */
  failStale(timeoutS: number): Promise<string[]>;
  /** What streaming needs to issue a token; only for a published item the caller sees. */
  streamSource(role: Role, id: string): Promise<StreamTokenIssueRequest>;
}

const notFound = () => new AppError("not_found", "no such media item");

/** `eventsCommitted` wakes the outbox relay after any change that wrote an event. */
export function createCatalogue(db: CatalogueDb, eventsCommitted: () => void): Catalogue {
  const visible = async (role: Role, id: string): Promise<StoredMedia> => {
    const row = await findMedia(db, id);
    if (!row || !canSee(role, row.status)) throw notFound();
    return row;
  };
  const announcing = async <T>(change: Promise<T>): Promise<T> => {
    const result = await change;
    eventsCommitted();
    return result;
  };

  return {
    async list(role, query) {
      const tsquery = query.q ? prefixTsQuery(query.q) : undefined;
      // Words were asked for but none is searchable (only punctuation): nothing matches.
      if (tsquery === null) return { items: [], next_cursor: null };
      const rows = await listMedia(db, {
        statuses: listableStatuses(role, query.status),
        tsquery,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: query.limit + 1,
      });
      const page = cutPage(rows, query.limit);
      return { items: page.rows.map(toMediaItem), next_cursor: page.nextCursor };
    },
    get: async (role, id) => toMediaItem(await visible(role, id)),
    async getAny(id) {
      const row = await findMedia(db, id);
      if (!row) throw notFound();
      return toMediaItem(row);
    },
    async create(req) {
      const { item, created } = await createMedia(db, req);
      if (created) eventsCommitted();
      return { item, created };
    },
    async update(id, patch) {
      const item = await announcing(updateMedia(db, id, patch));
      if (!item) throw notFound();
      return item;
    },
    async remove(id) {
      if (!(await announcing(deleteMedia(db, id)))) throw notFound();
    },
    applyResult: (result) => announcing(applyProcessingResult(db, result)),
    async failStale(timeoutS) {
      const failed: string[] = [];
      for (const id of await staleProcessing(db, timeoutS, 100)) {
        const reason = `processing did not finish within ${timeoutS} s (the job was lost); upload it again`;
        const result = {
          outcome: "failed",
          media_id: id,
          reason,
          finished_at: new Date().toISOString(),
        } as const;
        if ((await applyProcessingResult(db, result)) === "applied") failed.push(id);
      }
      if (failed.length > 0) eventsCommitted();
      return failed;
    },
    async streamSource(role, id) {
      const row = await visible(role, id);
      if (row.status !== "published") {
        throw new AppError("conflict", `this video is not published yet (status: ${row.status})`);
      }
      return {
        media_id: row.id,
        s3_key: row.s3Key,
        size_bytes: row.sizeBytes,
        content_type: row.contentType,
      };
    },
  };
}
