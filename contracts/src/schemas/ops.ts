import { z } from "zod";
import { IsoDateTime } from "./common.ts";

/** One JetStream stream as the operator dashboard shows it. */
export const PipelineStream = z.object({
  name: z.string(),
  subjects: z.array(z.string()),
  messages: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  first_seq: z.number().int().nonnegative(),
  last_seq: z.number().int().nonnegative(),
  consumer_count: z.number().int().nonnegative(),
});
export type PipelineStream = z.infer<typeof PipelineStream>;

/** One durable consumer: its backlog and health. */
export const PipelineConsumer = z.object({
  stream: z.string(),
  name: z.string(),
  /** Messages not yet delivered. */
  num_pending: z.number().int().nonnegative(),
  /** Delivered, not yet acknowledged. */
  num_ack_pending: z.number().int().nonnegative(),
  num_redelivered: z.number().int().nonnegative(),
  /** Pull requests waiting (≈ idle workers). */
  num_waiting: z.number().int().nonnegative(),
  /** Last delivery to this consumer; null when the server does not say (or never delivered). */
  last_active: IsoDateTime.nullable(),
});
export type PipelineConsumer = z.infer<typeof PipelineConsumer>;

/** One endpoint of a service instance, from `$SRV.STATS`. */
export const ServiceEndpointStats = z.object({
  name: z.string(),
  subject: z.string(),
  num_requests: z.number().int().nonnegative(),
  num_errors: z.number().int().nonnegative(),
  /** Mean handling time in milliseconds (the framework reports nanoseconds). */
  average_processing_time_ms: z.number().nonnegative(),
  last_error: z.string().nullable(),
});
export type ServiceEndpointStats = z.infer<typeof ServiceEndpointStats>;

/** One running service instance registered with the NATS services framework. */
export const ServiceInstanceStats = z.object({
  name: z.string(),
  id: z.string(),
  version: z.string(),
  started: z.string(),
  endpoints: z.array(ServiceEndpointStats),
});
export type ServiceInstanceStats = z.infer<typeof ServiceInstanceStats>;

/** `GET /api/v1/ingest/pipeline`: streams, consumers and service instances at one moment. */
export const PipelineSnapshot = z.object({
  streams: z.array(PipelineStream),
  consumers: z.array(PipelineConsumer),
  services: z.array(ServiceInstanceStats),
  collected_at: IsoDateTime,
});
export type PipelineSnapshot = z.infer<typeof PipelineSnapshot>;
