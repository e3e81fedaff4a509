import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PartBuffers } from "./part-buffers.ts";
import { forEachPart, type Part, partData } from "./part-upload.ts";

/** Runs forEachPart, keeping a copy of each part's bytes and giving its buffer back. */
async function cut(chunks: Buffer[], pool: PartBuffers, partBytes?: number) {
  const found: { bytes: number; data: Buffer; buffer: Buffer }[] = [];
  await forEachPart(
    Readable.from(chunks),
    pool,
    async (p: Part) => {
      found.push({ bytes: p.bytes, data: Buffer.from(partData(p)), buffer: p.buffer });
      pool.give(p.buffer);
    },
    partBytes,
  );
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
          const pool = new PartBuffers(partBytes, { keepSpare: 2 });
          const found = await cut(chunks, pool);
          for (const p of found.slice(0, -1)) expect(p.bytes).toBe(partBytes);
          for (const p of found) expect(p.data.length).toBe(p.bytes);
          const joined = Buffer.concat(found.map((p) => p.data));
          expect(joined.equals(Buffer.concat(chunks))).toBe(true);
          expect(pool.counts).toEqual({ inUse: 0, spare: 0, waiting: 0 });
        },
      ),
    );
  });

  it("copies the chunks into the pool's buffers and reuses them part after part", async () => {
    const chunk = Buffer.alloc(10, 7);
    const pool = new PartBuffers(4, { keepSpare: 1 });
    const held = await pool.take(); // another upload's part keeps the pool busy
    const found = await cut([chunk], pool);
    expect(found.map((p) => p.bytes)).toEqual([4, 4, 2]);
    for (const p of found) expect(p.buffer.buffer).not.toBe(chunk.buffer);
    expect(found[1]?.buffer).toBe(found[0]?.buffer);
    expect(found[2]?.buffer).toBe(found[0]?.buffer);
    pool.give(held);
  });

  it("takes parts of the size asked for, other than the pool's", async () => {
    const pool = new PartBuffers(4, { keepSpare: 1 });
    const found = await cut([Buffer.alloc(7, 1)], pool, 3);
    expect(found.map((p) => p.bytes)).toEqual([3, 3, 1]);
  });

  it("gives the unfinished part back when the source fails", async () => {
    const pool = new PartBuffers(4, { keepSpare: 1 });
    async function* failing() {
      yield Buffer.alloc(6, 1);
      throw new Error("client went away");
    }
    const parts: Part[] = [];
    await expect(forEachPart(failing(), pool, async (p) => void parts.push(p))).rejects.toThrow(
      "client went away",
    );
    expect(parts.map((p) => p.bytes)).toEqual([4]);
    expect(pool.counts.inUse).toBe(1); // the finished part is onPart's to give back
  });

  it("yields nothing for an empty body", async () => {
    expect(await cut([], new PartBuffers(4, { keepSpare: 1 }))).toEqual([]);
  });
});
