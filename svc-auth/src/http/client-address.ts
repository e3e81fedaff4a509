import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { clientIp, type ProxyTrust } from "../domain/client-ip.ts";

/** The client's address: the socket peer, or what our gateway saw (X-Forwarded-For). */
export function clientAddress(c: Context, trust: ProxyTrust): string {
  // @hono/node-server hands the Node request over as the `incoming` binding.
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return clientIp(incoming?.socket.remoteAddress, c.req.header("x-forwarded-for"), trust);
}
