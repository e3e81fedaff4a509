import { IncomingMessage, type ServerResponse } from "node:http";
import { AppError } from "@streamstack/contracts";
import type { Context } from "hono";

/**
 * The raw Node request and response behind a Hono context (@hono/node-server passes
 * them as `c.env`). Uploads read the body from here as a stream: Hono's own body
 * helpers buffer it whole.
 */
export function nodeExchange(c: Context): { req: IncomingMessage; res: ServerResponse } {
  const env = c.env as { incoming?: unknown; outgoing?: ServerResponse } | undefined;
  if (!(env?.incoming instanceof IncomingMessage) || !env.outgoing) {
    throw new AppError("internal", "ingest must be served by @hono/node-server");
  }
  return { req: env.incoming, res: env.outgoing };
}
