import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

/** Starts listening; port 0 picks a free port (tests). Resolves once listening. */
export function listen(
  app: { fetch: (req: Request) => Response | Promise<Response> },
  opts: { host: string; port: number },
): Promise<HttpServer> {
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, hostname: opts.host, port: opts.port },
      (info: AddressInfo) => {
        resolve({
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
            }),
        });
      },
    );
  });
}
