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
    metadata: { git_revision: process.env.GIT_REVISION ?? "dev" },
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
