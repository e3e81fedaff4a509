import { execFileSync } from "node:child_process";
import type { JetStreamClient, JetStreamManager, NatsConnection, Service } from "nats";
import type { z } from "zod";
import { connectNats } from "../nats/connect.ts";
import type { ServiceName } from "../nats/topology.ts";
import type { BaseEnv } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMetrics, type Metrics } from "./metrics.ts";

/** What every service holds once connected: logs, metrics, NATS, its `$SRV` identity. */
export interface ServiceKit {
  name: ServiceName;
  logger: Logger;
  metrics: Metrics;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Registration with the NATS services framework (`$SRV.PING/INFO/STATS`). */
  service: Service;
  /** Stops the `$SRV` registration and drains the connection (in-flight work finishes). */
  close(): Promise<void>;
}

export async function startKit(opts: {
  name: ServiceName;
  description: string;
  env: z.output<typeof BaseEnv>;
  logger?: Logger;
}): Promise<ServiceKit> {
  const logger = opts.logger ?? createLogger(opts.name, opts.env.LOG_LEVEL);
  const metrics = createMetrics(opts.name);
  const nc = await connectNats(
    {
      url: opts.env.NATS_URL,
      user: opts.env.NATS_USER,
      password: opts.env.NATS_PASSWORD,
      name: opts.name,
    },
    logger,
  );
  const service = await nc.services.add({
    name: opts.name,
    version: process.env.npm_package_version ?? "0.1.0",
    description: opts.description,
    queue: opts.name,
    metadata: { git_revision: gitRevision() },
  });
  return {
    name: opts.name,
    logger,
    metrics,
    nc,
    js: nc.jetstream(),
    jsm: await nc.jetstreamManager(),
    service,
    async close() {
      await service.stop().catch(() => undefined);
      if (!nc.isClosed()) await nc.drain().catch(() => undefined);
    },
  };
}

/**
 * The code's git revision for `$SRV.INFO`: GIT_REVISION when set (images are built from
 * a revision and have no .git), else the checkout's own HEAD (`npm start`), else "unknown".
 */
export function gitRevision(): string {
  if (process.env.GIT_REVISION) return process.env.GIT_REVISION;
  try {
    const rev = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], {
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 2_000,
    });
    return rev.toString().trim() || "unknown";
  } catch {
    return "unknown";
  }
}
