// Viewers for the load test: each one asks the catalogue for a stream token per video it
// watches and reads ranges as a player does. Every byte that arrives is compared with the
// source file at its offset, so a wrong, short or shifted body is an error, not a number.
import { randomInt } from "node:crypto";
import type { Agent } from "node:http";
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

export interface Video {
  id: string;
  bytes: Buffer;
}

/** What a player asks for: a slice, a seek it gives up after the first chunk, the tail, all. */
export type ReadKind = "range" | "seek" | "suffix" | "whole";

export interface Read {
  kind: ReadKind;
  /** The Range header (none for "whole"). */
  range?: string;
  /** Expected first and last byte of the answer. */
  start: number;
  end: number;
}

const KiB = 1024;

/** A player-like read of a file of `size` bytes: 256 KiB–2 MiB slices from a random offset. */
export function pickRead(size: number): Read {
  const dice = randomInt(100);
  const start = randomInt(size);
  if (dice < 80) {
    const end = Math.min(size - 1, start + 256 * KiB + randomInt(1792 * KiB) - 1);
    return { kind: "range", range: `bytes=${start}-${end}`, start, end };
  }
  if (dice < 94) return { kind: "seek", range: `bytes=${start}-`, start, end: size - 1 };
  if (dice < 99) {
    const n = 1 + randomInt(Math.min(size, 1024 * KiB));
    return { kind: "suffix", range: `bytes=-${n}`, start: size - n, end: size - 1 };
  }
  return { kind: "whole", start: 0, end: size - 1 };
}

export interface ReadOutcome {
  /** Undefined when the answer was right. */
  error?: string;
  /**
   * The kept-alive connection was closed by the server as the request went out (its idle
   * timeout raced our reuse) — before any answer, so the request was sent again on a new
   * connection, as browsers and Node's docs do. Counted, not an error.
   */
  resent?: boolean;
  bytes: number;
  ttfbMs: number;
  /** Time to the last byte; undefined for aborted seeks. */
  totalMs?: number;
}

/** Sends one read over `agent` and checks status, headers and every byte against `source`. */
export async function readRange(
  agent: Agent,
  url: string,
  r: Read,
  source: Buffer,
): Promise<ReadOutcome> {
  const first = await attempt(agent, url, r, source);
  if (!first.stale) return first;
  // Again on a connection of its own (other kept ones may be just as stale): any failure
  // now is the server's.
  return { ...(await attempt(false, url, r, source)), resent: true };
}

function attempt(
  agent: Agent | false,
  url: string,
  r: Read,
  source: Buffer,
): Promise<ReadOutcome & { stale?: boolean }> {
  const mayResend = agent !== false;
  const size = source.length;
  return new Promise((resolve) => {
    const t0 = performance.now();
    let ttfbMs = 0;
    let pos = r.start;
    let settled = false;
    const req = request(url, { agent, headers: r.range ? { range: r.range } : {} });
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      const bytes = pos - r.start;
      const totalMs = error || r.kind === "seek" ? undefined : performance.now() - t0;
      resolve({
        ...(error && { error: `${r.range ?? "no range"}: ${error}` }),
        bytes,
        ttfbMs,
        totalMs,
      });
      if (error || r.kind === "seek") req.destroy();
    };
    req.setTimeout(30_000, () => finish("no progress for 30 s"));
    let answered = false;
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (mayResend && !settled && req.reusedSocket && !answered && STALE.has(err.code ?? "")) {
        settled = true;
        return resolve({ bytes: 0, ttfbMs: 0, stale: true });
      }
      const where = answered ? `at byte ${pos}` : "before an answer";
      const ms = Math.round(performance.now() - t0);
      const conn = req.reusedSocket ? "reused connection" : "new connection";
      finish(`${err.code ?? err.message} ${where} after ${ms} ms (${conn})`);
    });
    req.on("response", (res) => {
      answered = true;
      ttfbMs = performance.now() - t0;
      const want = r.kind === "whole" ? 200 : 206;
      if (res.statusCode !== want) {
        res.resume();
        return finish(`status ${res.statusCode}, expected ${want}`);
      }
      const contentRange = r.kind === "whole" ? undefined : `bytes ${r.start}-${r.end}/${size}`;
      if (res.headers["content-range"] !== contentRange)
        return finish(`content-range ${res.headers["content-range"]}, expected ${contentRange}`);
      if (res.headers["content-length"] !== String(r.end - r.start + 1))
        return finish(`content-length ${res.headers["content-length"]}`);
      res.on("data", (chunk: Buffer) => {
        if (settled) return;
        const next = pos + chunk.length;
        if (next > r.end + 1) return finish(`body runs past byte ${r.end}`);
        if (!chunk.equals(source.subarray(pos, next))) return finish(`wrong bytes at ${pos}`);
        pos = next;
        if (r.kind === "seek") finish(); // the player seeks elsewhere: drop the rest
      });
      res.on("end", () => finish(pos === r.end + 1 ? undefined : `body ended at ${pos}`));
      res.on("error", (err) => finish(err.message));
      res.on("close", () => finish(`connection closed at byte ${pos}`));
    });
    req.end();
  });
}

/** How a kept-alive connection the server has just closed fails a request sent on it. */
const STALE = new Set(["ECONNRESET", "EPIPE"]);

interface Token {
  url: string;
  expiresAt: number;
}

/**
 * One viewer until `until` (performance.now() time): picks a video, gets its stream token once
 * (again shortly before it expires), reads 2–10 ranges of it, moves on to another video.
 */
export async function watch(opts: {
  agent: Agent;
  streamingUrl: string;
  issueToken: (id: string) => Promise<IssuedToken>;
  videos: readonly Video[];
  until: number;
  record: (kind: ReadKind, outcome: ReadOutcome) => void;
  fail: (error: string) => void;
}): Promise<void> {
  const tokens = new Map<string, Token>();
  while (performance.now() < opts.until) {
    const video = opts.videos[randomInt(opts.videos.length)]!;
    let token = tokens.get(video.id);
    if (!token || token.expiresAt - Date.now() < 60_000) {
      try {
        const issued = await opts.issueToken(video.id);
        token = {
          url: opts.streamingUrl + issued.stream_url,
          expiresAt: Date.parse(issued.expires_at),
        };
        tokens.set(video.id, token);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        opts.fail(`stream token for ${video.id}: ${e.code ?? e.message}`);
        await sleep(100); // an error is counted once per attempt, not spun on
        continue;
      }
    }
    const reads = 2 + randomInt(9);
    for (let i = 0; i < reads && performance.now() < opts.until; i++) {
      const r = pickRead(video.bytes.length);
      opts.record(r.kind, await readRange(opts.agent, token.url, r, video.bytes));
    }
  }
}

export interface IssuedToken {
  stream_url: string;
  expires_at: string;
}

/**
 * POST …/{id}/stream-token over `agent`, sent again once on a new connection when a kept one
 * turns out closed before any answer (as for reads). `onResend` counts those.
 */
export function postStreamToken(
  agent: Agent | false,
  url: string,
  headers: Record<string, string>,
  onResend: () => void,
): Promise<IssuedToken> {
  const resent = agent === false;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers });
    let answered = false;
    req.setTimeout(30_000, () => req.destroy(new Error("no answer for 30 s")));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (!resent && req.reusedSocket && !answered && STALE.has(err.code ?? "")) {
        onResend();
        return resolve(postStreamToken(false, url, headers, onResend));
      }
      reject(err);
    });
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}: ${text}`));
        resolve(JSON.parse(text) as IssuedToken);
      });
    });
    req.end();
  });
}
