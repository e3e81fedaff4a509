/**
 * @streamstack/contracts/server — what a service needs to live on the platform.
 * All `nats` imports stay inside contracts/src/nats, so a move to `@nats-io/*` is
 * one folder's change.
 */

export type { JetStreamClient, JetStreamManager, JsMsg, KV, NatsConnection, Service } from "nats";
export { revokedJtiKey, startTokenVerifier, type TokenVerifier } from "./auth/verifier.ts";
export { asyncApiDocument } from "./docs/asyncapi.ts";
export { asyncApiProblems, openApiProblems } from "./docs/check.ts";
export {
  type ApiAnswer,
  type ApiOperation,
  apiDocRoutes,
  openApiDocument,
} from "./docs/openapi.ts";
export { bearerToken, requireAuth } from "./http/auth.ts";
export { createEdge, type EdgeEnv, type EdgeVariables } from "./http/edge.ts";
export { mountOps, type ReadinessCheck } from "./http/ops.ts";
export { type HttpServer, listen } from "./http/serve.ts";
export { parseJson, parseParam, parseQuery } from "./http/validate.ts";
export * from "./index.ts";
export {
  type NatsAuthConfigOptions,
  type NatsCredential,
  natsCredential,
  renderNatsAuthConfig,
} from "./nats/auth-config.ts";
export { decodeJson, encodeJson } from "./nats/codec.ts";
export { connectNats, type NatsOptions } from "./nats/connect.ts";
export {
  type Consumption,
  consume,
  type MessageHandler,
  PoisonMessage,
  RetryLater,
} from "./nats/consume.ts";
export {
  mediaEvent,
  publishCatalogueEvent,
  publishProcessingJob,
  publishProcessingResult,
} from "./nats/events.ts";
export { type FollowOptions, followStream, type StreamFollower } from "./nats/follow.ts";
export { type CallContext, contextHeaders, HEADER, readContext } from "./nats/headers.ts";
export {
  ensureConsumer,
  ensureStream,
  openBucket,
  type TopologyOptions,
  whileClusterSettles,
} from "./nats/jetstream.ts";
export {
  ensuredStreams,
  integratorPermissions,
  NATS_ROLES,
  NATS_USE,
  type NatsPermissions,
  type NatsRole,
  opsPermissions,
  PIPELINE_READ,
  permissionsFor,
  type ServiceNatsUse,
  servicePermissions,
} from "./nats/permissions.ts";
export { RPC, type RpcDef, type RpcHandler, request, serveRpc } from "./nats/rpc.ts";
export { collectServiceStats } from "./nats/services.ts";
export { BaseEnv, DatabaseEnv, parseEnv, S3Env } from "./runtime/config.ts";
export { CONSUMER_LAG_TIMEOUT_MS, watchConsumerLag } from "./runtime/consumer-lag.ts";
export { type Database, openDatabase } from "./runtime/database.ts";
export { type ServiceKit, startKit } from "./runtime/kit.ts";
export { type Running, runService } from "./runtime/lifecycle.ts";
export { createLogger, type Logger } from "./runtime/logger.ts";
export { createMetrics, type Metrics } from "./runtime/metrics.ts";
export { isDependencyOutage, toAppError } from "./runtime/outage.ts";
export { createS3Client, ensureBuckets, type S3Options, s3ClientConfig } from "./runtime/s3.ts";
export { Teardown } from "./runtime/teardown.ts";
