import type { ServerResponse } from "node:http";
import net from "node:net";
import {
  getRequestHead,
  headEnd,
  MalformedResponse,
  parseResponseHead,
  type ResponseHead,
} from "./http1.ts";
import type { ByteTally, Cancellable, OriginResponse } from "./response.ts";

interface Connection {
  socket: net.Socket;
  /** Receives every read while a request owns the connection. */
  onBytes: ((bytes: Buffer) => void) | undefined;
  /** Hears that the socket closed while a request owned it. */
  onGone: ((err: Error) => void) | undefined;
  /** Served a request before: it may have gone stale while idle. */
  reused: boolean;
  /** When it went back to the pool (wall clock). */
  idleSince: number;
  error: Error | undefined;
}

const READ_SIZE = 64 * 1024;
const MAX_HEAD = 64 * 1024;
const MAX_SPARE = 128;
/** Bodies up to this size leave in one write to the client (within the 128 KiB buffer). */
const BATCH_MAX = 128 * 1024;

/**
 * Keep-alive HTTP/1.1 connections to one S3 endpoint, read with `onread`: libuv reads
 * straight into a buffer we hand the client as is, where node:http's client copies
 * every read, wraps it in an IncomingMessage and parses it again. Measured on this
 * platform's 2 cores: half the CPU per MiB relayed and a third per 64 KiB request.
 * It speaks only what a presigned GET needs (RFC 9112 framing by Content-Length).
 */
export function createOriginConnections(opts: {
  host: string;
  port: number;
  /** Idle connections kept for reuse. */
  maxIdle: number;
  /** An idle connection is closed after this long (servers close theirs at ~5 s). */
  idleMs?: number;
}) {
  const idleMs = opts.idleMs ?? 4000;
  const hostHeader = opts.port === 80 ? opts.host : `${opts.host}:${opts.port}`;
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  // Read buffers come back here once the client's socket has taken their bytes: a
  // fresh 64 KiB buffer per read kept V8's collector busy for a quarter of the CPU.
  // The same callback counts the bytes as served: only what the socket took counts.
  const spare: Buffer[] = [];
  const recycle = (chunk: Buffer, tally: ByteTally) => (err?: Error | null) => {
    if (err) return;
    tally.bytes += chunk.length;
    if (chunk.buffer.byteLength !== READ_SIZE || spare.length >= MAX_SPARE) return;
    spare.push(Buffer.from(chunk.buffer, 0, READ_SIZE));
  };

  function connect(): Connection {
    const conn: Connection = {
      socket: undefined as unknown as net.Socket,
      onBytes: undefined,
      onGone: undefined,
      reused: false,
      idleSince: 0,
      error: undefined,
    };
    conn.socket = net.connect({
      host: opts.host,
      port: opts.port,
      noDelay: true,
      onread: {
        // Each read gets a buffer of its own: it leaves with the bytes, no copy, no resize.
        buffer: () => spare.pop() ?? Buffer.allocUnsafe(READ_SIZE),
        callback: (n: number, buf: Uint8Array) => {
          const bytes = (buf as Buffer).subarray(0, n);
          if (conn.onBytes) conn.onBytes(bytes);
          else conn.socket.destroy(); // bytes nobody asked for: the stream is out of step
          return true;
        },
      },
    });
    conn.socket.on("error", (err) => {
      conn.error = err;
    });
    conn.socket.on("timeout", () => conn.socket.destroy()); // armed only while idle
    conn.socket.once("close", () => {
      all.delete(conn);
      const at = idle.indexOf(conn);
      if (at >= 0) idle.splice(at, 1);
      conn.onGone?.(conn.error ?? new Error("S3 closed the connection"));
    });
    all.add(conn);
    return conn;
  }

  function release(conn: Connection, reusable: boolean) {
    conn.onBytes = undefined;
    conn.onGone = undefined;
    if (!reusable || conn.socket.destroyed || idle.length >= opts.maxIdle) {
      conn.socket.destroy();
      return;
    }
    conn.socket.setTimeout(idleMs);
    conn.socket.resume();
    conn.idleSince = Date.now();
    idle.push(conn);
  }

  /**
   * The most recently used idle connection that has not been idle for `idleMs`, judged by
   * the clock when it is taken: on a busy event loop the idle timer fires late, and a
   * connection past the server's own keep-alive timeout is one it may be closing now.
   */
  function takeIdle(): Connection | undefined {
    for (let conn = idle.pop(); conn; conn = idle.pop()) {
      if (!conn.socket.destroyed && Date.now() - conn.idleSince < idleMs) return conn;
      conn.socket.destroy();
    }
    return undefined;
  }

  function get(
    path: string,
    headers: [string, string][],
    cancellation: Cancellable,
    again = false,
  ): Promise<OriginResponse> {
    return new Promise((resolve, reject) => {
      if (cancellation.cancelled) return reject(new Error("cancelled before the S3 request"));
      const conn = (!again && takeIdle()) || connect();
      const stale = conn.reused;
      conn.reused = true;
      conn.socket.setTimeout(0);
      let pending: Buffer | undefined;
      conn.onGone = (err) => {
        // A kept connection the server closed while idle: GET is safe to send again, on a
        // new connection — the other idle ones may be closing too (a server closes every
        // connection that went idle with this one at the same time).
        if (stale && pending === undefined && !again && !cancellation.cancelled) {
          resolve(get(path, headers, cancellation, true));
        } else reject(err);
      };
      conn.onBytes = (bytes) => {
        const seen = pending ? Buffer.concat([pending, bytes]) : bytes;
        const end = headEnd(seen);
        if (end < 0) {
          pending = seen;
          if (seen.length > MAX_HEAD)
            conn.socket.destroy(new MalformedResponse("response head too large"));
          return;
        }
        let head: ResponseHead;
        try {
          head = parseResponseHead(seen.toString("latin1", 0, end - 4));
        } catch (err) {
          conn.socket.destroy();
          return reject(err);
        }
        conn.socket.pause();
        conn.onBytes = undefined;
        conn.onGone = undefined;
        resolve(rawResponse(conn, head, seen.subarray(end), () => detach(cancellation, cancel)));
      };
      const cancel = () => conn.socket.destroy();
      cancellation.onCancel = cancel;
      conn.socket.write(getRequestHead(path, hostHeader, headers), "latin1");
    });
  }

  /**
   * Unhooks a request's cancel from the connection it used. A viewer may leave after all
   * its bytes were handed to its response (and the connection went back to the pool) but
   * before its socket flushed them: that must not cut whichever request took the
   * connection next.
   */
  function detach(cancellation: Cancellable, cancel: () => void) {
    if (cancellation.onCancel === cancel) cancellation.onCancel = undefined;
  }

  function rawResponse(
    conn: Connection,
    head: ResponseHead,
    first: Buffer,
    detachCancel: () => void,
  ): OriginResponse {
    let bodyLeft = head.bodyLength ?? Number.POSITIVE_INFINITY;
    let reusable = head.reusable;
    const giveBack = (keep: boolean) => {
      detachCancel();
      release(conn, keep);
    };
    return {
      statusCode: head.status,
      headers: head.headers,
      relay(
        res: ServerResponse,
        limit: number,
        onError: (err: Error) => void,
        tally: ByteTally = { bytes: 0 },
      ) {
        let toSend = limit;
        // A small body arrives in two or three reads; corked, it leaves in one write
        // with the response head instead of one write per read. Not for a chunked
        // response (no Content-Length): Node 20's end() on a corked chunked response
        // writes the last-chunk marker before the chunks it held back, so the viewer
        // got the first read's bytes and a clean end, the rest after the end.
        const batch = Math.min(limit, bodyLeft) <= BATCH_MAX && !res.chunkedEncoding;
        if (batch) res.cork();
        const take = (bytes: Buffer) => {
          if (bytes.length > bodyLeft) reusable = false; // more than the body: out of step
          const body = bytes.length > bodyLeft ? bytes.subarray(0, bodyLeft) : bytes;
          bodyLeft -= body.length;
          const out = body.length > toSend ? body.subarray(0, toSend) : body;
          toSend -= out.length;
          if (toSend === 0 || bodyLeft === 0) {
            if (out.length > 0) res.end(out, recycle(out, tally));
            else res.end();
            giveBack(reusable && bodyLeft === 0);
          } else if (out.length > 0 && !res.write(out, recycle(out, tally)) && !batch) {
            conn.socket.pause();
            res.once("drain", () => conn.socket.resume());
          }
        };
        conn.onBytes = take;
        conn.onGone = (err) => {
          // A body framed by the connection's end is complete when it closes cleanly.
          if (head.bodyLength === undefined && conn.error === undefined) res.end();
          else onError(err);
        };
        if (first.length > 0 || bodyLeft === 0) take(first);
        if (conn.onBytes === take) conn.socket.resume();
      },
      discard() {
        if (bodyLeft === 0 || first.length >= bodyLeft)
          giveBack(reusable && first.length === bodyLeft);
        else conn.socket.destroy();
      },
    };
  }

  return {
    get,
    close() {
      for (const conn of all) conn.socket.destroy();
    },
  };
}
