import type { Logger } from "pino";

export interface Running {
  close(): Promise<void>;
}

/**
 * Runs a service's composition root and shuts it down on SIGTERM/SIGINT: the
 * service's own `close` stops accepting, drains NATS and closes pools, in that order.
 */
export async function runService(logger: Logger, start: () => Promise<Running>): Promise<void> {
  let running: Running;
  try {
    running = await start();
  } catch (err) {
    logger.fatal({ err }, "failed to start");
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await running.close();
    } catch (err) {
      logger.error({ err }, "error during shutdown");
    }
    clearTimeout(force);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
