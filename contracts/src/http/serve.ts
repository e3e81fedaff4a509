import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

interface Closable {
  closeIdleConnections?: () => void;
  closeAllConnections?: () => void;
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

/** Starts listening; port 0 picks a free port (tests). Resolves once listening. */
export function listen(
  app: { fetch: (req: Request) => Response | Promise<Response> },
  opts: { host: string; port: number; graceMs?: number },
): Promise<HttpServer> {
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, hostname: opts.host, port: opts.port },
      (info: AddressInfo) => {
        resolve({
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              const http = server as unknown as Closable;
              // Stop accepting; idle keep-alive sockets go now, busy ones get a grace period
              // to finish their response, then are cut (a client may hold one open forever).
              const cut = setTimeout(() => http.closeAllConnections?.(), opts.graceMs ?? 1000);
              server.close(() => {
                clearTimeout(cut);
                done();
              });
              http.closeIdleConnections?.();
            }),
        });
      },
    );
  });
}
