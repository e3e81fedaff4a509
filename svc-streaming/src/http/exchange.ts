import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, isAppError, type Logger, type Metrics } from "@streamstack/contracts/server";

/** One request on the raw byte path, with what the Hono edge would give it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** Aborted when the client goes away before the response finished. */
  signal: AbortSignal;
  isHead: boolean;
}

const REQUEST_ID = /^[\w.-]{1,100}$/;

/**
 * Opens an exchange: a request id (the caller's or a new one), an abort signal tied to
 * the client's connection, and on close one JSON log line plus the request metric —
 * the same observability the Hono edge gives its routes.
 */
export function openExchange(
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  obs: { logger: Logger; metrics: Metrics },
): Exchange {
  const incoming = req.headers["x-request-id"];
  const requestId =
    typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  const abort = new AbortController();
  const started = performance.now();
  res.once("close", () => {
    const aborted = !res.writableFinished;
    if (aborted) abort.abort();
    const seconds = (performance.now() - started) / 1000;
    const method = req.method ?? "GET";
    obs.metrics.httpDuration.observe({ method, route, status: res.statusCode }, seconds);
    obs.logger.info(
      {
        request_id: requestId,
        method,
        route,
        status: res.statusCode,
        range: req.headers.range,
        ms: Math.round(seconds * 1000),
        ...(aborted ? { aborted: true } : {}),
      },
      "request",
    );
  });
  return { req, res, requestId, signal: abort.signal, isHead: req.method === "HEAD" };
}

/** Answers with the JSON error body of API.md, or cuts the connection mid-body. */
export function sendError(
  ex: Exchange,
  err: unknown,
  logger: Logger,
  headers: (string | number)[] = [],
): void {
  const { res } = ex;
  if (res.headersSent || res.destroyed) {
    // The status is on the wire already; a truncated body is the only honest signal.
    if (!ex.signal.aborted) logger.warn({ err, request_id: ex.requestId }, "stream broke off");
    res.destroy();
    return;
  }
  const appErr = isAppError(err)
    ? err
    : new AppError("internal", "internal error", undefined, { cause: err });
  if (appErr.code === "internal" || appErr.code === "unavailable") {
    logger.error({ err, request_id: ex.requestId }, "request failed");
  }
  const body = JSON.stringify(appErr.toBody());
  res.writeHead(appErr.status, [
    ...headers,
    "Content-Type",
    "application/json; charset=utf-8",
    "Content-Length",
    Buffer.byteLength(body),
    "X-Request-Id",
    ex.requestId,
  ]);
  res.end(ex.isHead ? undefined : body);
}
