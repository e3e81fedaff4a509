import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ChunkedPart, forEachPart, partBody, sendPartAgainOnFault } from "./part-upload.ts";

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

describe("sendPartAgainOnFault", () => {
  const reset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
  const s3Status = (status: number) =>
    Object.assign(new Error(`S3 ${status}`), { $metadata: { httpStatusCode: status } });

  /** A send that fails with `faults` in turn, then reads its fresh body to the end. */
  function flakySend(part: ChunkedPart, faults: Error[]) {
    const bodies: Buffer[] = [];
    let calls = 0;
    const send = async () => {
      const body = partBody(part);
      const fault = faults[calls++];
      const got: Buffer[] = [];
      for await (const c of body) {
        got.push(c as Buffer);
        if (fault) throw fault; // the connection breaks after the first chunk
      }
      bodies.push(Buffer.concat(got));
      return "etag";
    };
    return { send, bodies, calls: () => calls };
  }
  const part: ChunkedPart = { chunks: [Buffer.from("abc"), Buffer.from("def")], bytes: 6 };

  it("sends the whole part again, from its first byte, after a reset connection or a 5xx", async () => {
    const s = flakySend(part, [reset(), s3Status(503)]);
    expect(await sendPartAgainOnFault(s.send, [0, 0])).toBe("etag");
    expect(s.calls()).toBe(3);
    expect(s.bodies.map(String)).toEqual(["abcdef"]);
  });

  it("gives up after the last attempt with the fault itself", async () => {
    const s = flakySend(part, [reset(), reset(), reset()]);
    await expect(sendPartAgainOnFault(s.send, [0, 0])).rejects.toThrow("ECONNRESET");
    expect(s.calls()).toBe(3);
  });

  it("does not repeat a refusal (4xx) or a bug", async () => {
    for (const err of [s3Status(403), new TypeError("bug")]) {
      const s = flakySend(part, [err]);
      await expect(sendPartAgainOnFault(s.send, [0, 0])).rejects.toBe(err);
      expect(s.calls()).toBe(1);
    }
  });
});
