import { parseEnv } from "@streamstack/contracts/server";
import { describe, expect, it } from "vitest";
import { AuthEnv } from "./config.ts";

describe("AuthEnv", () => {
  it("fails fast, naming the variables, when no signing key is configured", () => {
    expect(() =>
      parseEnv(AuthEnv, { PORT: "0", DATABASE_URL: "postgres://x@127.0.0.1/auth" }),
    ).toThrow(/JWT_PRIVATE_KEY.*JWT_PRIVATE_KEY_FILE/s);
    // empty variables (KEY= in env files and compose) count as unset
    const empty = { PORT: "0", DATABASE_URL: "postgres://x@127.0.0.1/auth", JWT_PRIVATE_KEY: "" };
    expect(() => parseEnv(AuthEnv, { ...empty, JWT_PRIVATE_KEY_FILE: "" })).toThrow(
      /no signing key/,
    );
    const noAdmin = parseEnv(AuthEnv, {
      ...empty,
      JWT_PRIVATE_KEY_FILE: "/k.pem",
      ADMIN_EMAIL: "",
      ADMIN_PASSWORD: "",
    });
    expect(noAdmin.ADMIN_EMAIL).toBeUndefined();
  });

  it("refuses half a bootstrap admin and applies the documented defaults", () => {
    const base = { PORT: "0", DATABASE_URL: "postgres://x@127.0.0.1/auth", JWT_PRIVATE_KEY: "pem" };
    expect(() => parseEnv(AuthEnv, { ...base, ADMIN_EMAIL: "a@example.com" })).toThrow(
      /ADMIN_PASSWORD/,
    );
    expect(parseEnv(AuthEnv, base)).toMatchObject({
      ACCESS_TOKEN_TTL_S: 1800,
      REFRESH_TOKEN_TTL_S: 604800,
      REGISTRATION_ENABLED: true,
      LOGIN_MAX_FAILURES_PER_EMAIL: 5,
      LOGIN_MAX_FAILURES_PER_IP: 20,
      LOGIN_FAILURE_WINDOW_S: 900,
    });
    expect(parseEnv(AuthEnv, { ...base, REGISTRATION_ENABLED: "0" }).REGISTRATION_ENABLED).toBe(
      false,
    );
    expect(() => parseEnv(AuthEnv, { ...base, REGISTRATION_ENABLED: "maybe" })).toThrow();
  });
});
