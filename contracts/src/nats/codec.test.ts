import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { decodeJson, encodeJson } from "./codec.ts";

const Schema = z.object({ n: z.number().int() });

describe("decodeJson", () => {
  it("returns the validated payload", () => {
    expect(decodeJson(Schema, encodeJson({ n: 3 }), "t")).toEqual({ n: 3 });
  });

  it.each([
    ["not JSON", new TextEncoder().encode("{nope")],
    ["invalid UTF-8", Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)],
    ["the wrong shape", encodeJson({ n: "3" })],
    ["empty", new Uint8Array()],
  ])("rejects %s as invalid_request", (_, bytes) => {
    const err = (() => {
      try {
        decodeJson(Schema, bytes, "subject.x");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("invalid_request");
    expect((err as AppError).message).toMatch(/^subject\.x: /);
  });
});
