import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Work a client can walk away from: the origin hangs the S3 request's cancel here.
 * Cheaper than an AbortController per range request, measurably.
 */
export interface Cancellable {
  cancelled: boolean;
  onCancel: (() => void) | undefined;
}

/**
 * Body bytes of one kind taken by clients' sockets. The relay adds each chunk's length
 * in the chunk's write callback (one integer add, no allocation), so only bytes the
 * socket accepted count — also those of a response the viewer abandoned half-way.
 */
export interface ByteTally {
  bytes: number;
}

/** What S3 answered, before its body is read. */
export interface OriginResponse {
  statusCode: number;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  /**
   * Streams the body into `res` with backpressure and ends `res`: at most `limit`
   * bytes (the rest is dropped with the connection). `onError` hears of a body that
   * broke off; a cancelled exchange stops the transfer without calling it. Bytes the
   * client's socket took are added to `tally`.
   */
  relay(res: ServerResponse, limit: number, onError: (err: Error) => void, tally?: ByteTally): void;
  /** Gives the body up; the connection is kept when nothing of it is left unread. */
  discard(): void;
}

/**
 * An `IncomingMessage` of node:http(s) as an OriginResponse — the path for HTTPS
 * endpoints, where the raw connections do not go.
 */
export function nodeOriginResponse(msg: IncomingMessage): OriginResponse {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(msg.headers)) {
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return {
    statusCode: msg.statusCode ?? 0,
    headers,
    relay(res, limit, onError, tally = { bytes: 0 }) {
      let left = limit;
      // The HTTPS fallback path: counted when handed on (no callback per chunk).
      msg.once("error", onError);
      msg.on("data", (chunk: Buffer) => {
        const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
        left -= piece.length;
        tally.bytes += piece.length;
        if (piece.length > 0 && !res.write(piece)) {
          msg.pause();
          res.once("drain", () => msg.resume());
        }
        if (left === 0) {
          res.end();
          if (!msg.complete) msg.destroy();
        }
      });
      msg.once("end", () => {
        if (left > 0 && !res.writableEnded) res.end();
      });
    },
    discard() {
      if (msg.complete) return;
      msg.destroy();
    },
  };
}
