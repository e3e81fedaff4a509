// @vitest-environment node
import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path.ts";

describe("safeNextPath", () => {
  it("keeps paths on this site", () => {
    expect(safeNextPath("/watch/abc?t=1")).toBe("/watch/abc?t=1");
    expect(safeNextPath(["/ops", "/x"])).toBe("/ops");
  });
  it("refuses other origins, loops back to sign-in, and nothing", () => {
    for (const bad of [
      "//evil.example",
      "/\\evil.example",
      "https://evil.example",
      "/login",
      "/register?x",
      "",
      undefined,
    ]) {
      expect(safeNextPath(bad)).toBe("/");
    }
  });
});
