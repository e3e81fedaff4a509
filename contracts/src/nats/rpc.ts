import {
  type NatsConnection,
  ErrorCode as NatsErrorCode,
  type Service,
  type ServiceMsg,
} from "nats";
import type { Logger } from "pino";
import type { z } from "zod";
import { AppError, codeForStatus } from "../errors.ts";
import type { Metrics } from "../runtime/metrics.ts";
import { toAppError } from "../runtime/outage.ts";
import {
  MediaCreateRequest,
  MediaCreateResponse,
  MediaGetRequest,
  MediaGetResponse,
  StreamTokenIssueRequest,
  StreamTokenIssueResponse,
} from "../schemas/rpc.ts";
import { decodeJson, encodeJson } from "./codec.ts";
import { reconnectedWithin, whenConnected } from "./connect.ts";
import { type CallContext, contextHeaders, HEADER, readContext } from "./headers.ts";
import { type ServiceName, SUBJECTS } from "./topology.ts";

/** A request/reply contract: one subject, a request schema and a response schema. */
export interface RpcDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  service: ServiceName;
  /** Endpoint name in the services framework. */
  endpoint: string;
  subject: string;
  request: Req;
  response: Res;
}

const rpc = <Req extends z.ZodType, Res extends z.ZodType>(d: RpcDef<Req, Res>) => d;

export const RPC = {
  mediaCreate: rpc({
    service: "catalogue",
    endpoint: "media-create",
    subject: SUBJECTS.mediaCreate,
    request: MediaCreateRequest,
    response: MediaCreateResponse,
  }),
  mediaGet: rpc({
    service: "catalogue",
    endpoint: "media-get",
    subject: SUBJECTS.mediaGet,
    request: MediaGetRequest,
    response: MediaGetResponse,
  }),
  tokenIssue: rpc({
    service: "streaming",
    endpoint: "token-issue",
    subject: SUBJECTS.tokenIssue,
    request: StreamTokenIssueRequest,
    response: StreamTokenIssueResponse,
  }),
} as const;

/** After a reconnect, "no responders" is retried this long (services reconnect too). */
const RECONNECT_GRACE_MS = 5000;
const NO_RESPONDERS_RETRY_MS = 100;

function requestError(def: RpcDef, err: unknown): AppError {
  const code = (err as { code?: string }).code;
  if (code === NatsErrorCode.NoResponders) {
    return new AppError("unavailable", `${def.service} is not available`, undefined, {
      cause: err,
    });
  }
  if (code === NatsErrorCode.Timeout) {
    return new AppError("timeout", `${def.service} did not answer in time`, undefined, {
      cause: err,
    });
  }
  return new AppError("unavailable", `cannot reach ${def.service}`, undefined, { cause: err });
}

/**
 * Calls an RPC with a validated payload and returns the validated answer. Failures
 * come back as AppError: no responders, or NATS still reconnecting when the time is up
 * (so nothing was sent) → `unavailable`, timeout → `timeout`, a service error → the
 * code it carried. A request made while NATS reconnects waits for the link, and "no
 * responders" just after a reconnect is retried (services come back one by one), both
 * within `timeoutMs`.
 */
export async function request<D extends RpcDef>(
  nc: NatsConnection,
  def: D,
  payload: z.input<D["request"]>,
  ctx: CallContext & { timeoutMs?: number } = {},
): Promise<z.output<D["response"]>> {
  const body = def.request.parse(payload);
  const timeoutMs = ctx.timeoutMs ?? 5000;
  const deadline = performance.now() + timeoutMs;
  let reply: Awaited<ReturnType<NatsConnection["request"]>>;
  for (;;) {
    // While NATS reconnects, a request would be dropped unsent (see whenConnected): wait
    // for the link instead; if it does not come back in time, nothing was sent.
    if (!(await whenConnected(nc, deadline - performance.now())) || nc.isClosed()) {
      throw new AppError("unavailable", `cannot reach ${def.service}: NATS is not connected`);
    }
    try {
      reply = await nc.request(def.subject, encodeJson(body), {
        timeout: Math.max(1, Math.round(deadline - performance.now())),
        headers: contextHeaders(ctx),
      });
      break;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // Just after a NATS restart the service may simply not have reconnected yet.
      const retry =
        code === NatsErrorCode.NoResponders &&
        reconnectedWithin(nc, RECONNECT_GRACE_MS) &&
        deadline - performance.now() > NO_RESPONDERS_RETRY_MS;
      if (retry) {
        await new Promise((r) => setTimeout(r, NO_RESPONDERS_RETRY_MS));
        continue;
      }
      throw requestError(def, err);
    }
  }
  const errCode = reply.headers?.get(HEADER.serviceErrorCode);
  if (errCode) {
    const message = reply.headers?.get(HEADER.serviceError) || `${def.service} failed`;
    let details: unknown;
    try {
      details = reply.data.length ? JSON.parse(new TextDecoder().decode(reply.data)) : undefined;
    } catch {
      details = undefined;
    }
    throw new AppError(codeForStatus(Number(errCode)), message, details);
  }
  return decodeJson(def.response, reply.data, `${def.subject} response`) as z.output<D["response"]>;
}

export type RpcHandler<D extends RpcDef> = (
  payload: z.output<D["request"]>,
  ctx: CallContext,
) => Promise<z.input<D["response"]>>;

/**
 * Adds an endpoint for an RPC to a service: the handler only ever sees a validated
 * payload; its AppErrors travel back as service errors with an HTTP-like code.
 * `$SRV.STATS` stays honest (see `endpointStats`) and, given `metrics`, every answer is
 * observed in `nats_request_duration_seconds{subject,outcome}`.
 */
export function serveRpc<D extends RpcDef>(
  service: Service,
  def: D,
  handler: RpcHandler<D>,
  logger: Logger,
  metrics?: Metrics,
): void {
  service.addEndpoint(def.endpoint, {
    subject: def.subject,
    handler: (err, msg) => {
      if (err) {
        logger.error({ err, subject: def.subject }, "endpoint stopped");
        return;
      }
      void answer(def, handler, msg, logger).then(({ seconds, error }) => {
        metrics?.natsDuration.observe(
          { subject: def.subject, outcome: error ? error.code : "ok" },
          seconds,
        );
        const stats = endpointStats(service, def.endpoint);
        stats?.addProcessingTime(seconds);
        if (error) stats?.countError(error);
      });
    },
  });
}

interface EndpointStatsInternals {
  num_requests: number;
  processing_time: number;
  average_processing_time: number;
  countError(err: Error): void;
}

/**
 * nats.js 2.29 counts an endpoint's errors only when the handler throws synchronously and
 * its processing time only up to the handler's first await; our handlers are async and
 * answer errors with `respondError`. So we complete both figures on the endpoint's own
 * stats object — internals of this one pinned client version, kept in this one file.
 */
function endpointStats(service: Service, endpoint: string) {
  const handlers = (
    service as unknown as { handlers?: { name: string; stats?: EndpointStatsInternals }[] }
  ).handlers;
  const stats = handlers?.find((h) => h.name === endpoint)?.stats;
  if (!stats || typeof stats.countError !== "function") return undefined;
  return {
    countError: (err: Error) => stats.countError(err),
    addProcessingTime(seconds: number) {
      stats.processing_time += Math.round(seconds * 1e9);
      stats.average_processing_time = Math.round(
        stats.processing_time / Math.max(1, stats.num_requests),
      );
    },
  };
}

async function answer<D extends RpcDef>(
  def: D,
  handler: RpcHandler<D>,
  msg: ServiceMsg,
  logger: Logger,
): Promise<{ seconds: number; error?: AppError }> {
  const started = performance.now();
  const ctx = readContext(msg.headers);
  const log = logger.child({ subject: def.subject, request_id: ctx.requestId });
  try {
    const payload = decodeJson(def.request, msg.data, def.subject) as z.output<D["request"]>;
    const result = def.response.parse(await handler(payload, ctx));
    msg.respond(encodeJson(result));
    log.info({ ms: Math.round(performance.now() - started) }, "rpc ok");
    return { seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    // A database outage answers `unavailable` (the caller may retry), not `internal`.
    const appErr = toAppError(err);
    if (appErr.code === "internal") log.error({ err }, "rpc failed");
    else
      log.info({ code: appErr.code, ms: Math.round(performance.now() - started) }, "rpc refused");
    const body = appErr.details === undefined ? undefined : encodeJson(appErr.details);
    msg.respondError(appErr.status, appErr.message, body);
    return { seconds: (performance.now() - started) / 1000, error: appErr };
  }
}
