import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** One Prometheus registry per service instance (no module-level singletons). */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP requests by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const natsDuration = new Histogram({
    name: "nats_request_duration_seconds",
    help: "NATS requests served, by subject and outcome",
    labelNames: ["subject", "outcome"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const messages = new Counter({
    name: "jetstream_messages_total",
    help: "JetStream messages handled, by consumer and outcome",
    labelNames: ["consumer", "outcome"] as const,
    registers: [registry],
  });
  return { registry, httpDuration, natsDuration, messages };
}

export type Metrics = ReturnType<typeof createMetrics>;
