import { PassThrough, Readable } from "node:stream";
import { setImmediate as tick } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { webBody } from "./node-body.ts";

const KiB = 1024;

/** A byte stream (not object mode, as an HTTP request is) that yields `chunks`. */
function byteStream(chunks: Buffer[]): PassThrough {
  const src = new PassThrough();
  for (const chunk of chunks) src.write(chunk);
  src.end();
  return src;
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return chunks;
}

describe("webBody", () => {
  it("hands on the chunks Node read, in order, not copies of them", async () => {
    const sent = [Buffer.alloc(3, 1), Buffer.alloc(5, 2), Buffer.alloc(2, 3)];
    const got = await readAll(webBody(byteStream(sent)));
    expect(got).toHaveLength(3);
    for (const [i, chunk] of got.entries()) expect(chunk.buffer).toBe(sent[i]!.buffer);
    // What it replaces: Readable.toWeb copies each chunk, a second pass over every byte.
    const copied = await readAll(Readable.toWeb(byteStream(sent)) as ReadableStream);
    expect(copied[0]!.buffer).not.toBe(sent[0]!.buffer);
  });

  it("stops reading the source once highWaterMark bytes wait, and resumes on reads", async () => {
    const src = new PassThrough({ highWaterMark: 16 * KiB });
    const body = webBody(src, 64 * KiB);
    for (let i = 0; i < 16; i++) src.write(Buffer.alloc(16 * KiB, i));
    src.end();
    await tick();
    // 64 KiB queued in the web stream; the rest is still waiting in the source.
    expect(src.isPaused()).toBe(true);
    expect(src.readableLength).toBeGreaterThan(0);
    const got = await readAll(body);
    expect(Buffer.concat(got).length).toBe(256 * KiB);
    expect(got.map((c) => c[0])).toEqual([...Array(16).keys()]);
  });

  it("fails the reader when the source fails, or closes before its end", async () => {
    const failing = new PassThrough();
    const failed = readAll(webBody(failing));
    failing.write(Buffer.from("abc"));
    failing.destroy(new Error("connection reset"));
    await expect(failed).rejects.toThrow("connection reset");

    const cut = new PassThrough();
    const closed = readAll(webBody(cut));
    cut.destroy();
    await expect(closed).rejects.toThrow(/premature close/i);
  });

  it("destroys the source when the reader cancels", async () => {
    const src = new PassThrough();
    await webBody(src).cancel(new Error("aborted"));
    expect(src.destroyed).toBe(true);
  });
});
