import { isAppError } from "@streamstack/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor.ts";

const positions = fc.record({
  createdAt: fc.date({
    min: new Date("1970-01-01T00:00:00.000Z"),
    max: new Date("9999-12-31T23:59:59.999Z"),
    noInvalidDate: true,
  }),
  id: fc.uuid({ version: [1, 4, 5, 7] }),
});

describe("list cursor", () => {
  it("round-trips every position exactly (to the millisecond)", () => {
    fc.assert(
      fc.property(positions, (p) => {
        const back = decodeCursor(encodeCursor(p));
        expect(back.createdAt.getTime()).toBe(p.createdAt.getTime());
        expect(back.id).toBe(p.id);
      }),
    );
  });

  it("is URL-safe without escaping", () => {
    fc.assert(fc.property(positions, (p) => /^[A-Za-z0-9_-]+$/.test(encodeCursor(p))));
  });

  it("rejects anything that is not a cursor with invalid_request, never another error", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          decodeCursor(s);
        } catch (err) {
          return isAppError(err) && err.code === "invalid_request";
        }
        return true; // a string that happens to decode is fine
      }),
    );
  });

  it.each([
    ["empty", ""],
    ["not base64url", "a+b/c="],
    ["JSON of the wrong shape", Buffer.from('{"a":1}').toString("base64url")],
    [
      "a bad date",
      Buffer.from('["yesterday","00000000-0000-4000-8000-000000000000"]').toString("base64url"),
    ],
    ["a bad id", Buffer.from('["2024-01-01T00:00:00.000Z","x"]').toString("base64url")],
  ])("rejects %s", (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrowError(/cursor is invalid/);
  });
});
