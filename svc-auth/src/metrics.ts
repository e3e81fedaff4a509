import type { Metrics } from "@streamstack/contracts/server";
import { Counter } from "prom-client";

/** Auth's own counters, in the service's registry: sign-in and refresh outcomes. */
export function createAuthMetrics(metrics: Metrics) {
  const outcomes = new Counter({
    name: "auth_outcomes_total",
    help: "Logins (ok, failed, throttled) and refreshes (valid, reused, revoked, expired, unknown)",
    labelNames: ["event", "outcome"] as const,
    registers: [metrics.registry],
  });
  return (event: "login" | "refresh", outcome: string) => outcomes.inc({ event, outcome });
}
