import { describe, expect, it } from "vitest";
import { decodeCursor } from "./cursor.ts";
import { cutPage } from "./page.ts";

const row = (n: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 1000 - n)),
});

describe("cutPage", () => {
  it("has no next page when the extra row is missing", () => {
    const rows = [row(1), row(2)];
    expect(cutPage(rows, 2)).toEqual({ rows, nextCursor: null });
    expect(cutPage([], 5)).toEqual({ rows: [], nextCursor: null });
  });

  it("points the cursor at the last row shown when there is more", () => {
    const page = cutPage([row(1), row(2), row(3)], 2);
    expect(page.rows).toEqual([row(1), row(2)]);
    expect(decodeCursor(page.nextCursor ?? "")).toEqual(row(2));
  });
});
