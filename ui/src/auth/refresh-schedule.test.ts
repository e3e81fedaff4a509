// @vitest-environment node
import { describe, expect, it } from "vitest";
import { refreshDelayMs, renewDelayMs } from "./refresh-schedule.ts";

describe("refreshDelayMs", () => {
  it("refreshes a 30 min access token 60 s before it expires", () => {
    expect(refreshDelayMs(1800)).toBe(1740_000);
  });
  it("refreshes short-lived tokens halfway, never in less than a second", () => {
    expect(refreshDelayMs(90)).toBe(45_000);
    expect(refreshDelayMs(1)).toBe(1000);
    expect(refreshDelayMs(0)).toBe(1000);
    expect(refreshDelayMs(Number.NaN)).toBe(1000);
  });
});

describe("renewDelayMs", () => {
  const now = Date.parse("2025-01-01T10:00:00Z");
  it("renews a stream token a minute before expiry", () => {
    expect(renewDelayMs("2025-01-01T11:00:00Z", now)).toBe(3540_000);
    expect(renewDelayMs("2025-01-01T11:00:00+01:00", now)).toBe(0);
  });
  it("renews at once when expired or unreadable, halfway when short", () => {
    expect(renewDelayMs("2025-01-01T09:59:00Z", now)).toBe(0);
    expect(renewDelayMs("not a date", now)).toBe(0);
    expect(renewDelayMs("2025-01-01T10:01:00Z", now)).toBe(30_000);
  });
});
