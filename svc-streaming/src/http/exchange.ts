import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, isAppError, type Logger, type Metrics } from "@streamstack/contracts/server";
import type { Cancellable } from "../s3/origin.ts";

/** One request on the raw byte path, with what the Hono edge would give it. */
export interface Exchange extends Cancellable {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  isHead: boolean;
}

const REQUEST_ID = /^[\w.-]{1,100}$/;
// Request ids only need to be unique: a per-process prefix and a counter cost nothing,
// where a random UUID per range request showed up in profiles.
const ID_PREFIX = randomBytes(4).toString("hex");
let sequence = 0;

/**
 * Opens an exchange: a request id (the caller's or a new one), cancellation tied to
 * the client's connection, and on close the request metric plus one JSON log line —
 * at debug for a byte response that went well (a playing video makes one every few
 * seconds per viewer; the metric counts them all), at info for everything else.
 */
export function openExchange(
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  obs: { logger: Logger; metrics: Metrics },
): Exchange {
  const incoming = req.headers["x-request-id"];
  const requestId =
    typeof incoming === "string" && REQUEST_ID.test(incoming)
      ? incoming
      : `${ID_PREFIX}-${(++sequence).toString(36)}`;
  const ex: Exchange = {
    req,
    res,
    requestId,
    isHead: req.method === "HEAD",
    cancelled: false,
    onCancel: undefined,
  };
  const started = performance.now();
  res.once("close", () => {
    const aborted = !res.writableFinished;
    if (aborted) {
      ex.cancelled = true;
      ex.onCancel?.();
    }
    const seconds = (performance.now() - started) / 1000;
    const method = req.method ?? "GET";
    const status = res.statusCode;
    obs.metrics.httpDuration.observe({ method, route, status }, seconds);
    const level = aborted || status >= 400 || status < 200 ? "info" : "debug";
    if (!obs.logger.isLevelEnabled(level)) return;
    obs.logger[level](
      {
        request_id: requestId,
        method,
        route,
        status,
        range: req.headers.range,
        ms: Math.round(seconds * 1000),
        ...(aborted ? { aborted: true } : {}),
      },
      "request",
    );
  });
  return ex;
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
    if (!ex.cancelled) logger.warn({ err, request_id: ex.requestId }, "stream broke off");
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
