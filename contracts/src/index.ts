/**
 * @streamstack/contracts — the platform's wire contracts, safe to import anywhere
 * (services, UI, tests): zod schemas, errors, and the NATS names and settings.
 * Server-side helpers (NATS, HTTP edge, logs, S3, Postgres) live in `./server`.
 */
export * from "./errors.ts";
export * from "./nats/floor.ts";
export * from "./nats/topology.ts";
export * from "./schemas/auth.ts";
export * from "./schemas/common.ts";
export * from "./schemas/events.ts";
export * from "./schemas/jobs.ts";
export * from "./schemas/media.ts";
export * from "./schemas/ops.ts";
export * from "./schemas/rpc.ts";
