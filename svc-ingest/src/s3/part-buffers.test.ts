import { describe, expect, it } from "vitest";
import { PartBuffers } from "./part-buffers.ts";

describe("PartBuffers", () => {
  it("reuses a returned buffer while others are in use, and drops spares when none is", async () => {
    const pool = new PartBuffers(8, { keepSpare: 2 });
    const a = await pool.take();
    const b = await pool.take();
    pool.give(a);
    expect(pool.counts).toEqual({ inUse: 1, spare: 1, waiting: 0 });
    expect(await pool.take()).toBe(a);
    pool.give(a);
    pool.give(b);
    expect(pool.counts).toEqual({ inUse: 0, spare: 0, waiting: 0 });
    const c = await pool.take();
    expect(c).not.toBe(a);
    expect(c).not.toBe(b);
  });

  it("keeps at most keepSpare spares, and only of its own size", async () => {
    const pool = new PartBuffers(8, { keepSpare: 1 });
    const busy = await pool.take();
    const [x, y, odd] = [await pool.take(), await pool.take(), await pool.take(3)];
    expect(odd.length).toBe(3);
    pool.give(odd);
    pool.give(x);
    pool.give(y);
    expect(pool.counts).toEqual({ inUse: 1, spare: 1, waiting: 0 });
    pool.give(busy);
  });

  it("makes a taker wait at the limit until a buffer comes back", async () => {
    const pool = new PartBuffers(8, { keepSpare: 1, limit: 2 });
    const a = await pool.take();
    await pool.take();
    let third: Buffer | undefined;
    const waiting = pool.take().then((buf) => {
      third = buf;
    });
    await new Promise((r) => setImmediate(r));
    expect(third).toBeUndefined();
    expect(pool.counts.waiting).toBe(1);
    pool.give(a);
    await waiting;
    expect(third).toBe(a);
    expect(pool.counts).toEqual({ inUse: 2, spare: 0, waiting: 0 });
  });

  it("refuses a buffer given back twice (two parts would share its bytes)", async () => {
    const pool = new PartBuffers(8, { keepSpare: 2 });
    const a = await pool.take();
    await pool.take();
    pool.give(a);
    expect(() => pool.give(a)).toThrow("given back twice");
  });
});
