import { AppError, IsoDateTime, Uuid } from "@streamstack/contracts";
import { z } from "zod";

/** Where a page ended: the list is ordered by (created_at, id), both descending. */
export interface ListPosition {
  createdAt: Date;
  id: string;
}

const CursorPayload = z.tuple([IsoDateTime, Uuid]);

/** An opaque, URL-safe cursor for the page after `position`. */
export function encodeCursor(position: ListPosition): string {
  const payload = JSON.stringify([position.createdAt.toISOString(), position.id]);
  return Buffer.from(payload, "utf8").toString("base64url");
}

/** Reads a cursor made by `encodeCursor`; anything else is the client's mistake (400). */
export function decodeCursor(cursor: string): ListPosition {
  const invalid = () =>
    new AppError("invalid_request", "the cursor is invalid: pass next_cursor from a previous page");
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const parsed = CursorPayload.safeParse(raw);
  if (!parsed.success) throw invalid();
  const [at, id] = parsed.data;
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime())) throw invalid();
  return { createdAt, id: id.toLowerCase() };
}
