import type { Logger } from "@streamstack/contracts/server";
import type { Catalogue } from "./catalogue.ts";

/**
 * The backstop behind "no item stays `processing` forever". The thumbnailer ends every
 * job it sees (success, permanent failure, MAX_DELIVERIES advisory), but a job can still be
 * lost outside it: the advisory is a core NATS message that reaches no one while every
 * worker is down, and a job stream can be purged or lost by an operator. An item older
 * than the timeout is failed with a reason, through the same conditional transition as a
 * thumbnailer failure — so a result that did arrive wins, replicas sweeping at once fail
 * each item once, and a late result afterwards changes nothing (failed is final).
 */
export function startStaleSweep(opts: {
  catalogue: Catalogue;
  timeoutS: number;
  everyMs: number;
  logger: Logger;
}): { stop(): void } {
  const { catalogue, timeoutS, logger } = opts;
  let running = false;
  const sweep = async () => {
    if (running) return; // a slow database must not stack sweeps
    running = true;
    try {
      const failed = await catalogue.failStale(timeoutS);
      if (failed.length > 0)
        logger.warn({ media_ids: failed, timeout_s: timeoutS }, "failed items stuck in processing");
    } catch (err) {
      logger.warn({ err }, "stale processing sweep failed; next round retries");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(sweep, opts.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
