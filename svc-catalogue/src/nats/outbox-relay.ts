import {
  CatalogueEvent,
  type JetStreamClient,
  type Logger,
  publishCatalogueEvent,
} from "@streamstack/contracts/server";
import type { CatalogueDb } from "../db/database.ts";
import { relayPendingEvents } from "../db/outbox.ts";

export interface OutboxRelay {
  /** Publish what is pending now (called after every commit that wrote an event). */
  wake(): void;
  /** Resolves once everything pending at the call has been handed to JetStream. */
  idle(): Promise<void>;
  /** Stops polling after one last attempt to empty the outbox. */
  stop(): Promise<void>;
}

const BATCH = 100;

/**
 * Moves committed events from the outbox table to stream CATALOGUE_EVENTS. Woken on
 * every commit for low latency, and polling as a fallback: rows left by a crash, by a
 * NATS outage or by another replica's commit go out within one poll interval.
 */
export function startOutboxRelay(opts: {
  db: CatalogueDb;
  js: JetStreamClient;
  logger: Logger;
  pollMs: number;
}): OutboxRelay {
  const log = opts.logger.child({ component: "outbox-relay" });
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const publish = async (raw: unknown) => {
    const parsed = CatalogueEvent.safeParse(raw);
    if (!parsed.success) {
      // Only a contract change could do this; holding the queue for it would stop all events.
      log.error({ issues: parsed.error.issues }, "outbox event no longer valid, dropped");
      return;
    }
    await publishCatalogueEvent(opts.js, parsed.data);
  };

  const drain = async () => {
    for (;;) {
      const { taken, error } = await relayPendingEvents(opts.db, BATCH, publish);
      if (error) throw error;
      if (taken < BATCH) return; // empty, or another replica is relaying
    }
  };

  const wake = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await drain().catch((err) => log.warn({ err }, "events not relayed yet, will retry"));
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
  };

  const timer = setInterval(wake, opts.pollMs);
  timer.unref();

  return {
    wake: () => {
      if (!stopped) wake();
    },
    async idle() {
      while (running) await running;
      wake();
      await running;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await drain().catch((err) => log.warn({ err }, "events left in the outbox at shutdown"));
    },
  };
}
