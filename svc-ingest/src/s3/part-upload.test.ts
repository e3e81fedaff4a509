import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ChunkedPart, forEachPart } from "./part-upload.ts";

async function parts(chunks: Buffer[], partBytes: number): Promise<ChunkedPart[]> {
  const found: ChunkedPart[] = [];
  await forEachPart(Readable.from(chunks), partBytes, async (p) => void found.push(p));
  return found;
}

describe("forEachPart", () => {
  it("cuts any chunking into parts of exactly partBytes (the last shorter), bytes in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 50 }),
        async (arrays, partBytes) => {
          const chunks = arrays.map((a) => Buffer.from(a));
          const found = await parts(chunks, partBytes);
          const total = chunks.reduce((n, c) => n + c.length, 0);
          expect(found.map((p) => p.bytes).reduce((a, b) => a + b, 0)).toBe(total);
          for (const p of found.slice(0, -1)) expect(p.bytes).toBe(partBytes);
          for (const p of found) {
            expect(p.chunks.reduce((n, c) => n + c.length, 0)).toBe(p.bytes);
          }
          const joined = Buffer.concat(found.flatMap((p) => p.chunks));
          expect(joined.equals(Buffer.concat(chunks))).toBe(true);
        },
      ),
    );
  });

  it("hands on views of the incoming chunks, not copies", async () => {
    const chunk = Buffer.alloc(10, 7);
    const found = await parts([chunk], 4);
    expect(found.map((p) => p.bytes)).toEqual([4, 4, 2]);
    for (const p of found) expect(p.chunks[0]?.buffer).toBe(chunk.buffer);
  });

  it("yields nothing for an empty body", async () => {
    expect(await parts([], 4)).toEqual([]);
  });
});
