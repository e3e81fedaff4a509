import { connect, type NatsConnection } from "nats";
import type { Logger } from "pino";
import { assertServerFloor } from "./floor.ts";

export interface NatsOptions {
  url: string;
  user?: string | undefined;
  password?: string | undefined;
  /** Connection name shown in the server's monitoring, e.g. `catalogue`. */
  name: string;
}

/**
 * Connects with unlimited reconnects (a service outlives NATS restarts), checks the
 * server floor and logs connection status changes.
 */
export async function connectNats(opts: NatsOptions, logger: Logger): Promise<NatsConnection> {
  const nc = await connect({
    servers: opts.url.split(","),
    name: opts.name,
    user: opts.user,
    pass: opts.password,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    inboxPrefix: opts.user ? `_INBOX.${opts.user}` : undefined,
  });
  assertServerFloor(nc.info?.version ?? "0.0.0");
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "pingTimer") continue;
      logger.info({ nats: s.type, data: String(s.data) }, "nats status");
    }
  })();
  return nc;
}

export type { NatsConnection };
