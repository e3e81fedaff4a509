import { describe, expect, it } from "vitest";
import { canSee, listableStatuses } from "./visibility.ts";

describe("visibility", () => {
  it("gives viewers published items whatever they ask for", () => {
    for (const s of [undefined, "all", "processing", "failed", "published"] as const) {
      expect(listableStatuses("viewer", s)).toEqual(["published"]);
    }
  });

  it("gives admins everything by default and their filter otherwise", () => {
    expect(listableStatuses("admin", undefined)).toBe("all");
    expect(listableStatuses("admin", "all")).toBe("all");
    expect(listableStatuses("admin", "failed")).toEqual(["failed"]);
  });

  it("hides unpublished items from viewers only", () => {
    expect(canSee("viewer", "published")).toBe(true);
    expect(canSee("viewer", "processing")).toBe(false);
    expect(canSee("viewer", "failed")).toBe(false);
    expect(canSee("admin", "failed")).toBe(true);
  });
});
