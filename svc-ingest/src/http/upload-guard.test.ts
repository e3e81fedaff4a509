import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@streamstack/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveVideoFormat } from "../domain/video-format.ts";
import { UploadGuard } from "./upload-guard.ts";

const mp4 = resolveVideoFormat("a.mp4", "video/mp4");
const FTYP = Buffer.from("00000018667479706973666d0000020069736f6d6d703431", "hex");

/** Runs `chunks` through a guard; returns what came out before the end or the error. */
async function guard(chunks: Buffer[], maxBytes: number) {
  const g = new UploadGuard(mp4, maxBytes);
  const out: Buffer[] = [];
  try {
    await pipeline(Readable.from(chunks), g, async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) out.push(c);
    });
    return { out: Buffer.concat(out), error: undefined, guard: g };
  } catch (error) {
    return { out: Buffer.concat(out), error: error as AppError, guard: g };
  }
}

const split = (buf: Buffer, cuts: number[]) => {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let at = 0;
  for (const p of [...points, buf.length]) {
    if (p > at) parts.push(buf.subarray(at, p));
    at = p;
  }
  return parts;
};

describe("UploadGuard", () => {
  it("passes a video through unchanged, however the request chunks it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (tail, cuts) => {
          const file = Buffer.concat([FTYP, tail]);
          const { out, error, guard: g } = await guard(split(file, cuts), 10_000);
          expect(error).toBeUndefined();
          expect(out.equals(file)).toBe(true);
          expect(g.bytes).toBe(file.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses text with 415 before letting a single byte through", async () => {
    const text = Buffer.from("not a video, just words\n".repeat(40));
    const { out, error, guard: g } = await guard(split(text, [3, 50, 400]), 1_000_000);
    expect(error).toBeInstanceOf(AppError);
    expect(error?.code).toBe("unsupported_media_type");
    expect(g.failure).toBe(error);
    expect(out.length).toBe(0);
  });

  it("refuses a short non-video at the end of the stream too", async () => {
    const { error } = await guard([Buffer.from("hi")], 1000);
    expect(error?.code).toBe("unsupported_media_type");
  });

  it("stops with 413 as soon as the count passes the limit", async () => {
    const file = Buffer.concat([FTYP, Buffer.alloc(5000)]);
    const { out, error } = await guard(split(file, [1000, 2000, 3000, 4000]), 3000);
    expect(error?.code).toBe("payload_too_large");
    expect(out.length).toBeLessThanOrEqual(3000);
    // Exactly at the limit is fine.
    expect((await guard([file], file.length)).error).toBeUndefined();
  });
});
