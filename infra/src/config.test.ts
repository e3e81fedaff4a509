import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig, portsOf } from "./config.ts";

describe("parseStackConfig", () => {
  it("has the documented defaults", () => {
    const config = parseStackConfig({});
    expect(config).toMatchObject({
      HTTP_PORT: 8080,
      NATS_PORT: 4222,
      NATS_MONITOR_PORT: 8222,
      PG_PORT: 15432,
      S3_PORT: 9000,
      AUTH_PORT: 7001,
      THUMBNAILER_PORT: 7005,
      DATA_DIR: ".data",
      ADMIN_EMAIL: "admin@streamstack.local",
      MAX_UPLOAD_BYTES: 21_474_836_480,
      SEED_DEMO: true,
      LOG_LEVEL: "info",
    });
    expect(config.ADMIN_PASSWORD).toBeUndefined();
  });

  it("reads numbers and flags from strings, and treats empty values as unset", () => {
    const config = parseStackConfig({ HTTP_PORT: "9090", SEED_DEMO: "0", ADMIN_PASSWORD: "" });
    expect(config.HTTP_PORT).toBe(9090);
    expect(config.SEED_DEMO).toBe(false);
    expect(config.ADMIN_PASSWORD).toBeUndefined();
  });

  it("names each bad variable", () => {
    const bad = { NATS_PORT: "abc", ADMIN_EMAIL: "nope", ADMIN_PASSWORD: "short" };
    expect(() => parseStackConfig(bad)).toThrow(ConfigError);
    expect(() => parseStackConfig(bad)).toThrow(/NATS_PORT[\s\S]*ADMIN_EMAIL[\s\S]*ADMIN_PASSWORD/);
  });

  it("refuses two things on one port", () => {
    expect(() => parseStackConfig({ HTTP_PORT: "7001" })).toThrow(
      /AUTH_PORT and HTTP_PORT|HTTP_PORT and AUTH_PORT/,
    );
  });

  it("lists every port by its variable", () => {
    expect(Object.keys(portsOf(parseStackConfig({}))).sort()).toEqual(
      [
        "AUTH_PORT", "CATALOGUE_PORT", "HTTP_PORT", "INGEST_PORT", "NATS_MONITOR_PORT", "NATS_PORT",
        "PG_PORT", "S3_PORT", "STREAMING_PORT", "THUMBNAILER_PORT",
      ], // biome-ignore format: a list
    );
  });
});
