import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  type KV,
  type NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from "nats";
import type { BucketDef, ConsumerDef, ServiceName, StreamDef } from "./topology.ts";

export interface TopologyOptions {
  /** Replicas for streams and buckets: 1 locally, 3 on a cluster. */
  replicas: number;
}

/**
 * Creates the stream if missing (idempotent), so services may start in any order. Only its
 * owner updates an existing stream to the definition: a service that merely reads it is
 * not allowed to (see permissions.ts), and the owner's next start applies a new definition.
 * `service` absent: acting as the owner (tests and tools that lay out the topology).
 */
export async function ensureStream(
  jsm: JetStreamManager,
  def: StreamDef,
  opts: TopologyOptions & { service?: ServiceName },
) {
  const config = {
    name: def.name,
    subjects: def.subjects,
    description: def.description,
    retention: def.retention === "workqueue" ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(def.maxAgeMs),
    num_replicas: opts.replicas,
    duplicate_window: nanos(2 * 60 * 1000),
  };
  return whileClusterSettles(async () => {
    try {
      const existing = await jsm.streams.info(def.name);
      return (opts.service ?? def.owner) === def.owner
        ? await jsm.streams.update(def.name, config)
        : existing;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return await jsm.streams.add(config);
    }
  });
}

/** Creates or updates a durable pull consumer (idempotent). */
export async function ensureConsumer(jsm: JetStreamManager, def: ConsumerDef) {
  const config = {
    durable_name: def.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: def.filterSubject,
    ack_wait: nanos(def.ackWaitMs),
    max_deliver: def.maxDeliver,
    max_ack_pending: def.maxAckPending,
  };
  return whileClusterSettles(async () => {
    try {
      await jsm.consumers.info(def.stream, def.durable);
      return await jsm.consumers.update(def.stream, def.durable, config);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return await jsm.consumers.add(def.stream, config);
    }
  });
}

/**
 * Retries an idempotent JetStream API step that timed out or found no leader: on a cluster
 * the meta leader may be busy or still being elected (a fresh cluster, a node just lost,
 * a loaded machine), and a service should start anyway rather than exit. Creating an
 * ephemeral consumer (a KV watch, a live feed) is such a step too: nats-server 2.9 may
 * place it on a replica that is down (R3 with one node lost: about one try in three),
 * and another try lands elsewhere.
 */
export async function whileClusterSettles<T>(step: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== "TIMEOUT" && code !== "503") || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 500 * i));
    }
  }
}

/** Opens (creating if missing) a KV bucket with its bucket-level TTL. */
export async function openBucket(
  nc: NatsConnection,
  def: BucketDef,
  opts: TopologyOptions & { ttlMs?: number },
): Promise<KV> {
  const ttl = opts.ttlMs ?? def.ttlMs;
  return whileClusterSettles(() =>
    nc.jetstream().views.kv(def.name, {
      history: def.history,
      replicas: opts.replicas,
      ...(ttl > 0 ? { ttl } : {}),
      description: def.description,
    }),
  );
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: string; api_error?: { err_code?: number } };
  return e?.code === "404" || e?.api_error?.err_code === 10059 || e?.api_error?.err_code === 10014;
}
