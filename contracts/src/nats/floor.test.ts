import { describe, expect, it } from "vitest";
import { assertServerFloor, compareVersions, NATS_SERVER_FLOOR, serverHas } from "./floor.ts";

describe("NATS server floor", () => {
  it("orders versions numerically, not as text", () => {
    expect(compareVersions("2.10.0", "2.9.10")).toBe(1);
    expect(compareVersions("2.9.9", "2.9.10")).toBe(-1);
    expect(compareVersions("2.9.10", "2.9.10")).toBe(0);
    expect(compareVersions("2.11.0-beta.1", "2.11.0")).toBe(0);
  });

  it("gates features newer than the floor", () => {
    expect(serverHas(NATS_SERVER_FLOOR, "perMessageTtl")).toBe(false);
    expect(serverHas(NATS_SERVER_FLOOR, "streamMetadata")).toBe(false);
    expect(serverHas("2.11.1", "perMessageTtl")).toBe(true);
  });

  it("refuses a server older than the floor", () => {
    expect(() => assertServerFloor("2.8.4")).toThrow(/older than the supported floor 2\.9\.10/);
    expect(() => assertServerFloor("2.9.10")).not.toThrow();
  });
});
