import { encodeCursor } from "./cursor.ts";

/**
 * Cuts a page from `limit + 1` fetched rows: the extra row only tells whether there is
 * a next page, and the cursor points at the last row shown.
 */
export function cutPage<T extends { createdAt: Date; id: string }>(
  rows: T[],
  limit: number,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return { rows: shown, nextCursor: last ? encodeCursor(last) : null };
}
