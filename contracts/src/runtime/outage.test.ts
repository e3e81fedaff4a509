import { describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { isDependencyOutage, toAppError } from "./outage.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
/** As drizzle wraps a driver error: `Failed query: …` with the driver's error as cause. */
const wrapped = (cause: Error) => new Error("Failed query: select 1", { cause });

describe("isDependencyOutage", () => {
  it.each([
    ["connection refused", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["connection reset", withCode("read ECONNRESET", "ECONNRESET")],
    ["postgres.js closed", withCode("write CONNECTION_CLOSED", "CONNECTION_CLOSED")],
    ["postgres.js connect timeout", withCode("write CONNECT_TIMEOUT", "CONNECT_TIMEOUT")],
    ["shutting down (57P03)", withCode("the database system is shutting down", "57P03")],
    ["admin shutdown (57P01)", withCode("terminating connection", "57P01")],
    ["connection exception (08006)", withCode("connection failure", "08006")],
  ])("%s, also wrapped by drizzle", (_, err) => {
    expect(isDependencyOutage(err)).toBe(true);
    expect(isDependencyOutage(wrapped(err))).toBe(true);
    expect(isDependencyOutage(new AggregateError([err]))).toBe(true);
  });

  it.each([
    ["unique violation", withCode("duplicate key", "23505")],
    ["syntax error", withCode("syntax error", "42601")],
    ["plain error", new Error("boom")],
    ["not an error", { code: "ECONNREFUSED" }],
  ])("not for %s", (_, err) => {
    expect(isDependencyOutage(err)).toBe(false);
    expect(isDependencyOutage(wrapped(err as Error))).toBe(false);
  });
});

describe("toAppError", () => {
  it("keeps an AppError, makes an outage unavailable and anything else internal", () => {
    const app = new AppError("not_found", "no such item");
    expect(toAppError(app)).toBe(app);
    expect(toAppError(wrapped(withCode("read ECONNRESET", "ECONNRESET"))).code).toBe("unavailable");
    expect(toAppError(new TypeError("x is undefined")).code).toBe("internal");
  });
});

describe("isDependencyOutage for S3 (AWS SDK errors)", () => {
  const sdkError = (name: string, fault: string, status: number) =>
    Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

  it("is true for a refused connection, a hang-up, a timeout, an S3 5xx, wrapped or not", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
      $metadata: { attempts: 3 },
    });
    expect(isDependencyOutage(refused)).toBe(true);
    expect(isDependencyOutage(new Error("socket hang up"))).toBe(true);
    expect(isDependencyOutage(Object.assign(new Error("t"), { name: "TimeoutError" }))).toBe(true);
    expect(isDependencyOutage(sdkError("SlowDown", "server", 503))).toBe(true);
    expect(isDependencyOutage(sdkError("InternalError", "server", 500))).toBe(true);
    expect(isDependencyOutage(new Error("wrapped", { cause: refused }))).toBe(true);
  });

  it("is false for a client-side S3 error", () => {
    expect(isDependencyOutage(sdkError("AccessDenied", "client", 403))).toBe(false);
    expect(isDependencyOutage(sdkError("NoSuchKey", "client", 404))).toBe(false);
  });
});
