import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { AppError, isAppError } from "../errors.ts";
import type { Metrics } from "../runtime/metrics.ts";
import { isDependencyOutage, toAppError } from "../runtime/outage.ts";
import type { AccessClaims } from "../schemas/auth.ts";

export interface EdgeVariables {
  requestId: string;
  log: Logger;
  /** Set by `requireAuth`. */
  auth: { claims: AccessClaims; token: string };
}
export type EdgeEnv = { Variables: EdgeVariables };

/**
 * A Hono app with what every edge needs: a request id (from `X-Request-Id` or new),
 * one JSON log line per request, request metrics, and the one error mapping —
 * AppError → its status and the JSON error body; a dependency outage (database
 * unreachable, see isDependencyOutage) → 503 unavailable; anything else → 500 (a bug).
 */
export function createEdge(opts: { logger: Logger; metrics: Metrics }): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();
  app.use(async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    const log = opts.logger.child({ request_id: requestId });
    c.set("requestId", requestId);
    c.set("log", log);
    c.header("X-Request-Id", requestId);
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath;
    if (!/^\/(healthz|readyz|metrics)$/.test(route)) {
      log.info(
        {
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round(seconds * 1000),
        },
        "request",
      );
    }
    opts.metrics.httpDuration.observe(
      { method: c.req.method, route, status: c.res.status },
      seconds,
    );
  });
  app.onError((err, c) => {
    if (isAppError(err)) {
      if (err.code === "internal") c.var.log.error({ err }, "request failed");
      if (err.code === "unavailable" && err.cause) {
        // Which dependency failed and how, for the operator: the client only sees "retry".
        c.var.log.warn({ err: String(err.cause), message: err.message }, "dependency unavailable");
      }
      if (err.code === "too_many_requests" && typeof err.details === "object" && err.details) {
        const retry = (err.details as { retry_after_s?: number }).retry_after_s;
        if (retry) c.header("Retry-After", String(retry));
      }
      return c.json(err.toBody(), err.status as 400);
    }
    if (err instanceof HTTPException) {
      const code =
        err.status === 413
          ? "payload_too_large"
          : err.status >= 500
            ? "internal"
            : "invalid_request";
      return c.json(new AppError(code, err.message || "request rejected").toBody(), err.status);
    }
    if (isDependencyOutage(err)) {
      // The database (or another backing service) is down or restarting: the client may
      // retry, /readyz names the failing check. Not a bug, so no stack trace either.
      c.var.log.warn({ err: (err as Error).message }, "dependency unavailable");
      return c.json(toAppError(err).toBody(), 503);
    }
    c.var.log.error({ err }, "unhandled error");
    return c.json(new AppError("internal", "internal error").toBody(), 500);
  });
  app.notFound((c) =>
    c.json(new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`).toBody(), 404),
  );
  return app;
}
