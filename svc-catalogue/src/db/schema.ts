import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

export const mediaStatus = pgEnum("media_status", ["processing", "published", "failed"]);

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * Millisecond precision on purpose: the list cursor carries `created_at` as an ISO
 * string (ms), and keyset pagination only stays exact if the stored value has no
 * finer digits than the cursor can hold.
 */
const ms = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });

export const mediaItems = pgTable(
  "media_items",
  {
    id: uuid("id").primaryKey(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    status: mediaStatus("status").notNull().default("processing"),
    // Internal: where the owners keep the bytes. Never leaves the catalogue except to streaming.
    s3Key: text("s3_key").notNull(),
    thumbnailKey: text("thumbnail_key"),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    contentType: text("content_type").notNull(),
    durationS: doublePrecision("duration_s"),
    videoCodec: text("video_codec"),
    audioCodec: text("audio_codec"),
    width: integer("width"),
    height: integer("height"),
    fps: doublePrecision("fps"),
    bitrate: bigint("bitrate", { mode: "number" }),
    failureReason: text("failure_reason"),
    createdAt: ms("created_at").notNull().default(sql`now()`),
    updatedAt: ms("updated_at").notNull().default(sql`now()`),
    publishedAt: ms("published_at"),
    // 'simple' (no stemming, no stop words): search-as-you-type prefixes like `runni`
    // must match `running`, and titles come in any language.
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('simple'::regconfig, title), 'A') || setweight(to_tsvector('simple'::regconfig, description), 'B')`,
      ),
  },
  (t) => [
    index("media_items_search_idx").using("gin", t.search),
    // Keyset pagination, newest first: (created_at, id) is the cursor. NULLS FIRST is
    // what a plain `ORDER BY ... DESC` means, so the planner can walk these indexes.
    index("media_items_created_idx").on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("media_items_status_created_idx").on(
      t.status,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
  ],
);

export type MediaRow = typeof mediaItems.$inferSelect;

/**
 * Transactional outbox: an event row is written in the same transaction as the state
 * change it announces, and a relay publishes it afterwards. A crash between commit and
 * publish therefore delays an event but never loses it.
 */
export const outbox = pgTable("catalogue_outbox", {
  seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  eventId: uuid("event_id").notNull().unique(),
  event: jsonb("event").notNull(),
  createdAt: ms("created_at").notNull().default(sql`now()`),
});

export const schema = { mediaItems, outbox, mediaStatus };
