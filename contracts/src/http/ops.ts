import type { Hono } from "hono";
import type { Metrics } from "../runtime/metrics.ts";
import type { EdgeEnv } from "./edge.ts";

export type ReadinessCheck = () => Promise<unknown>;

/**
 * `/healthz` (the process is alive), `/readyz` (every dependency answers; 503 with
 * the failing ones named) and `/metrics` (Prometheus text) on the service's own port.
 */
export function mountOps(
  app: Hono<EdgeEnv>,
  checks: Record<string, ReadinessCheck>,
  metrics: Metrics,
) {
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          return [name, "ok"] as const;
        } catch (err) {
          return [name, (err as Error).message || "failed"] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r === "ok");
    return c.json(
      { status: ready ? "ready" : "not_ready", checks: Object.fromEntries(results) },
      ready ? 200 : 503,
    );
  });
  app.get("/metrics", async (c) => {
    c.header("Content-Type", metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(t));
  });
}
