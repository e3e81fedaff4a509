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

/** Whether each connection made by connectNats is up, and who waits for it to come back. */
const links = new WeakMap<
  NatsConnection,
  { up: boolean; reconnectedAt: number; waiters: Set<() => void> }
>();

/**
 * Whether `nc` reconnected less than `windowMs` ago: the other services are likely still
 * reconnecting too, so "no responders" may only mean "not back yet".
 */
export function reconnectedWithin(nc: NatsConnection, windowMs: number): boolean {
  const at = links.get(nc)?.reconnectedAt ?? 0;
  return at > 0 && performance.now() - at < windowMs;
}

/**
 * Resolves true once `nc` is connected (at once when it is, or when it was not made by
 * connectNats), false if it is still reconnecting after `timeoutMs`. Why: nats.js drops
 * whatever is written while it reconnects (each dial resets the outbound buffer), so a
 * request sent then is lost and only times out; sent after the reconnect, it is answered.
 */
export function whenConnected(nc: NatsConnection, timeoutMs: number): Promise<boolean> {
  const link = links.get(nc);
  if (!link || link.up) return Promise.resolve(!nc.isClosed());
  return new Promise((resolve) => {
    const done = (up: boolean) => {
      clearTimeout(timer);
      link.waiters.delete(onUp);
      resolve(up);
    };
    const onUp = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    link.waiters.add(onUp);
  });
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
  const link = { up: true, reconnectedAt: 0, waiters: new Set<() => void>() };
  links.set(nc, link);
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "pingTimer") continue;
      if (s.type === "disconnect") link.up = false;
      if (s.type === "reconnect") {
        link.up = true;
        link.reconnectedAt = performance.now();
        for (const wake of [...link.waiters]) wake();
      }
      logger.info({ nats: s.type, data: String(s.data) }, "nats status");
    }
  })();
  void nc.closed().then(() => {
    link.up = false;
    for (const wake of [...link.waiters]) wake();
  });
  return nc;
}

export type { NatsConnection };
