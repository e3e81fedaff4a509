import http, { type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger, Metrics } from "@streamstack/contracts/server";
import { type Exchange, openExchange, sendError } from "./exchange.ts";

/** A route on the raw byte path: answers one exchange with the captured path part. */
export type ByteRoute = (ex: Exchange, param: string) => Promise<void>;

export interface StreamingServer {
  port: number;
  /** Stops accepting, lets responses in flight finish for `graceMs`, then cuts them. */
  close(graceMs?: number): Promise<void>;
}

const VIDEO = /^\/api\/v1\/stream\/([A-Za-z0-9_-]{43})(?:\?|$)/;
const THUMBNAIL =
  /^\/api\/v1\/stream\/thumbnails\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jpg(?:\?|$)/i;

/**
 * The streaming edge's HTTP server. Byte routes (videos, thumbnails) run on plain
 * `node:http` — no Request/Response objects, no web streams — because every range
 * request pays for them and the CPU is better left to S3. Everything else (ops
 * routes, unknown paths) goes to the Hono edge.
 */
export async function startStreamingServer(opts: {
  host: string;
  port: number;
  video: ByteRoute;
  thumbnail: ByteRoute;
  fallback: RequestListener;
  logger: Logger;
  metrics: Metrics;
}): Promise<StreamingServer> {
  const run = (
    req: IncomingMessage,
    res: ServerResponse,
    route: string,
    handler: ByteRoute,
    param: string,
  ) => {
    const ex = openExchange(req, res, route, opts);
    handler(ex, param).catch((err) => {
      // A client gone before its answer is no error of ours.
      if (!ex.cancelled) sendError(ex, err, opts.logger);
    });
  };
  // A response buffer above one socket read (64 KiB) lets `pipe` hand a chunk on
  // without pausing S3 after every chunk; it pauses when the viewer really lags.
  const server = http.createServer({ highWaterMark: 128 * 1024 }, (req, res) => {
    const url = req.url ?? "/";
    if ((req.method === "GET" || req.method === "HEAD") && url.startsWith("/api/v1/stream/")) {
      const video = VIDEO.exec(url);
      if (video?.[1]) return run(req, res, "/api/v1/stream/:token", opts.video, video[1]);
      const thumb = THUMBNAIL.exec(url);
      if (thumb?.[1]) {
        return run(
          req,
          res,
          "/api/v1/stream/thumbnails/:id",
          opts.thumbnail,
          thumb[1].toLowerCase(),
        );
      }
    }
    void opts.fallback(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: (graceMs = 5_000) =>
      new Promise<void>((done) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs).unref();
        server.close(() => {
          clearTimeout(cut);
          done();
        });
        server.closeIdleConnections();
      }),
  };
}
