import { describe, expect, it } from "vitest";
import { isStorageOutage } from "./storage-outage.ts";

describe("isStorageOutage", () => {
  it("is true for a refused or broken connection, a timeout, an S3 5xx", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
      $metadata: { attempts: 3 },
    });
    expect(isStorageOutage(refused)).toBe(true);
    expect(isStorageOutage(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe(true);
    expect(isStorageOutage(new Error("socket hang up"))).toBe(true);
    expect(isStorageOutage(Object.assign(new Error("t"), { name: "TimeoutError" }))).toBe(true);
    const s3Busy = { name: "SlowDown", $fault: "server", $metadata: { httpStatusCode: 503 } };
    expect(isStorageOutage(s3Busy)).toBe(true);
    expect(isStorageOutage(new Error("wrapped", { cause: refused }))).toBe(true);
  });

  it("is false for a client-side S3 error and for plain bugs", () => {
    const denied = { name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 } };
    expect(isStorageOutage(denied)).toBe(false);
    expect(isStorageOutage(new TypeError("x is undefined"))).toBe(false);
    expect(isStorageOutage(undefined)).toBe(false);
    expect(isStorageOutage("ECONNREFUSED")).toBe(false);
  });
});
