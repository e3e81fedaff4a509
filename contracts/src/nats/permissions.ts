/**
 * Who may do what on NATS, derived from the topology so the two cannot drift: a
 * service serves the RPCs whose `service` it is, publishes into the streams it owns,
 * pulls from the consumers it owns, writes the buckets it owns. Only what ownership
 * does not imply is written down per service (NATS_USE). Rendered into a nats-server
 * config by ./auth-config.ts for the local stack, the tests and compose.
 */
import { RPC, type RpcDef } from "./rpc.ts";
import {
  BUCKETS,
  type BucketDef,
  CONSUMERS,
  type ConsumerDef,
  SERVICES,
  type ServiceName,
  STREAMS,
  type StreamDef,
  SUBJECTS,
} from "./topology.ts";

/** A NATS user's role: one per service, plus the two outside accounts of API.md. */
export type NatsRole = ServiceName | "integrator" | "ops";
export const NATS_ROLES: readonly NatsRole[] = [...SERVICES, "integrator", "ops"];

export interface NatsPermissions {
  publish: { allow: string[]; deny: string[] };
  subscribe: { allow: string[]; deny: string[] };
  /** May answer requests it received (RPC replies, `$SRV` answers), once each. */
  allowResponses: boolean;
}

/** What a service does on NATS beyond what its ownership in the topology implies. */
export interface ServiceNatsUse {
  /** RPCs it requests from other services. */
  calls: RpcDef[];
  /** Verifies access tokens: watches KV `auth-keys` and `revoked-tokens`. */
  verifiesTokens: boolean;
  /** Streams it follows with short-lived ephemeral consumers (the live SSE feed). */
  follows: StreamDef[];
  /** Shows the pipeline like an operator (stream/consumer info and lists, `$SRV` stats). */
  observesPipeline: boolean;
  /** Consumers whose exhausted messages it ends (MAX_DELIVERIES advisory → read, delete). */
  endsExhausted: ConsumerDef[];
}

const use = (u: Partial<ServiceNatsUse>): ServiceNatsUse => ({
  calls: [],
  verifiesTokens: true,
  follows: [],
  observesPipeline: false,
  endsExhausted: [],
  ...u,
});

export const NATS_USE: Record<ServiceName, ServiceNatsUse> = {
  auth: use({}),
  catalogue: use({ calls: [RPC.tokenIssue], follows: [STREAMS.catalogueEvents] }),
  streaming: use({}),
  ingest: use({ calls: [RPC.mediaCreate, RPC.mediaGet], observesPipeline: true }),
  thumbnailer: use({ verifiesTokens: false, endsExhausted: [CONSUMERS.processingJobs] }),
};

const API = "$JS.API";
const kvStream = (b: BucketDef) => `KV_${b.name}`;
const SRV_VERBS = ["PING", "INFO", "STATS"] as const;

/** `ensureStream`: look, create if missing, and update only what the service owns. */
const ensureStreamApi = (stream: string, owned: boolean) =>
  ["INFO", "CREATE", ...(owned ? ["UPDATE"] : [])].map((op) => `${API}.STREAM.${op}.${stream}`);

/** A durable pull consumer: ensure it, pull from it, ack. */
function durableConsumerApi(c: ConsumerDef) {
  const at = `${c.stream}.${c.durable}`;
  return [
    `${API}.CONSUMER.INFO.${at}`,
    `${API}.CONSUMER.CREATE.${at}`,
    `${API}.CONSUMER.CREATE.${at}.>`,
    `${API}.CONSUMER.DURABLE.CREATE.${at}`,
    `${API}.CONSUMER.MSG.NEXT.${at}`,
    `$JS.ACK.${at}.>`,
  ];
}

/** Ephemeral (named by the client) consumers on a stream: create, pull, ack, delete. */
function ephemeralConsumerApi(stream: string) {
  return [
    `${API}.STREAM.INFO.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}.>`,
    `${API}.CONSUMER.INFO.${stream}.*`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.*`,
    `${API}.CONSUMER.DELETE.${stream}.*`,
    `$JS.ACK.${stream}.>`,
    `$JS.FC.${stream}.>`,
  ];
}

/**
 * The platform's durable consumers on a stream, for those who may otherwise create,
 * pull from or delete any consumer there (consumer names cannot be matched by prefix).
 */
function othersConsumersDeny(stream: string, except?: ServiceName) {
  return Object.values(CONSUMERS)
    .filter((c) => c.stream === stream && c.owner !== except)
    .flatMap((c) => {
      const at = `${stream}.${c.durable}`;
      return [
        `${API}.CONSUMER.CREATE.${at}`,
        `${API}.CONSUMER.CREATE.${at}.>`,
        `${API}.CONSUMER.DURABLE.CREATE.${at}`,
        `${API}.CONSUMER.DELETE.${at}`,
        `${API}.CONSUMER.MSG.NEXT.${at}`,
        `$JS.ACK.${at}.>`,
      ];
    });
}

/** Opening a bucket (creates it if missing), get (direct, by key subject) and watch. */
function bucketReadApi(b: BucketDef) {
  const s = kvStream(b);
  return [
    `${API}.STREAM.INFO.${s}`,
    `${API}.STREAM.CREATE.${s}`,
    `${API}.DIRECT.GET.${s}.$KV.${b.name}.>`,
    `${API}.CONSUMER.CREATE.${s}`,
    `${API}.CONSUMER.CREATE.${s}.>`,
    `$JS.FC.${s}.>`,
  ];
}

/** Read-only look at the pipeline: operators, and ingest's `/pipeline` view. */
export const PIPELINE_READ: string[] = [
  ...SRV_VERBS.flatMap((v) => [`$SRV.${v}`, `$SRV.${v}.>`]),
  `${API}.INFO`,
  `${API}.STREAM.LIST`,
  `${API}.STREAM.NAMES`,
  // Message streams only: STREAM.INFO with `subjects_filter` would list a KV stream's
  // keys, and the keys of `stream-tokens` are bearer tokens.
  ...Object.values(STREAMS).map((s) => `${API}.STREAM.INFO.${s.name}`),
  `${API}.CONSUMER.INFO.*.*`,
  `${API}.CONSUMER.LIST.*`,
  `${API}.CONSUMER.NAMES.*`,
];

const PARAM = "\u0000";

/**
 * Every SUBJECTS entry as a pattern: a parameter becomes `*`, or `>` at the end (ids
 * such as a tus upload's `<uuid>.mp4` span tokens).
 */
const subjectPatterns = () =>
  Object.values(SUBJECTS).map((v) => {
    if (typeof v === "string") return v;
    const tokens = (v as (...a: string[]) => string)(PARAM, PARAM).split(".");
    const last = tokens.length - 1;
    return tokens.map((t, i) => (t !== PARAM ? t : i === last ? ">" : "*")).join(".");
  });

/** Does a stream subject (`x.>`, `x.y`) capture every subject of `pattern`? */
const captures = (streamSubject: string, pattern: string) =>
  streamSubject.endsWith(".>")
    ? pattern.startsWith(streamSubject.slice(0, -1))
    : streamSubject === pattern;

/**
 * Subjects in a service's own namespace that are neither an RPC nor stored in a stream:
 * messages between its replicas (e.g. ingest asking a peer to release a tus lock). The
 * service both publishes and subscribes them.
 */
export function replicaChannels(service: ServiceName): string[] {
  const rpcs = new Set(Object.values(RPC).map((r) => r.subject));
  const stored = Object.values(STREAMS).flatMap((s) => s.subjects);
  return subjectPatterns().filter(
    (p) => p.startsWith(`${service}.`) && !rpcs.has(p) && !stored.some((s) => captures(s, p)),
  );
}

const inbox = (user: string) => `_INBOX.${user}.>`;
const uniq = (xs: string[]) => [...new Set(xs)];

/** The streams a service ensures: those it owns and those its consumers read. */
export function ensuredStreams(service: ServiceName): string[] {
  const owned = Object.values(STREAMS)
    .filter((s) => s.owner === service)
    .map((s) => s.name);
  const read = Object.values(CONSUMERS)
    .filter((c) => c.owner === service)
    .map((c) => c.stream);
  return uniq([...owned, ...read]);
}

/** A service's permissions; `user` is its NATS user name (its inbox is `_INBOX.<user>`). */
export function servicePermissions(service: ServiceName, user: string = service): NatsPermissions {
  const u = NATS_USE[service];
  const serves = Object.values(RPC).filter((r) => r.service === service);
  const owned = Object.values(STREAMS).filter((s) => s.owner === service);
  const consumers = Object.values(CONSUMERS).filter((c) => c.owner === service);
  const writes = Object.values(BUCKETS).filter((b) => b.owner === service);
  const reads = uniq([
    ...writes.map((b) => b.name),
    ...(u.verifiesTokens ? [BUCKETS.authKeys.name, BUCKETS.revokedTokens.name] : []),
  ]).map((name) => Object.values(BUCKETS).find((b) => b.name === name) as BucketDef);
  const publish = [
    `${API}.INFO`,
    ...u.calls.map((r) => r.subject),
    ...owned.flatMap((s) => s.subjects),
    ...ensuredStreams(service).flatMap((s) =>
      ensureStreamApi(
        s,
        owned.some((o) => o.name === s),
      ),
    ),
    ...consumers.flatMap(durableConsumerApi),
    ...u.follows.flatMap((s) => ephemeralConsumerApi(s.name)),
    ...reads.flatMap(bucketReadApi),
    ...writes.map((b) => `$KV.${b.name}.>`),
    // Leader reads of its own buckets: a direct get may be answered by a replica a
    // moment behind, too late for a read that must see the latest write.
    ...writes.map((b) => `${API}.STREAM.MSG.GET.${kvStream(b)}`),
    ...u.endsExhausted.flatMap((c) => [
      `${API}.STREAM.MSG.GET.${c.stream}`,
      `${API}.STREAM.MSG.DELETE.${c.stream}`,
    ]),
    ...(u.observesPipeline ? PIPELINE_READ : []),
    ...replicaChannels(service),
  ];
  const subscribe = [
    inbox(user),
    ...serves.map((r) => r.subject),
    ...SRV_VERBS.flatMap((v) => [`$SRV.${v}`, `$SRV.${v}.${service}`, `$SRV.${v}.${service}.*`]),
    ...u.endsExhausted.map((c) => SUBJECTS.maxDeliveriesAdvisory(c.stream, c.durable)),
    ...replicaChannels(service),
  ];
  const deny = u.follows.flatMap((s) => othersConsumersDeny(s.name, service));
  return {
    publish: { allow: uniq(publish), deny: uniq(deny) },
    subscribe: { allow: uniq(subscribe), deny: [] },
    allowResponses: true,
  };
}

/**
 * Integrators: read `catalogue.events.>` live or through their own consumers on
 * CATALOGUE_EVENTS (create, read, pull, ack, delete), nothing else. Consumer names are
 * free, so "their own" is every name but the platform's: those are denied.
 */
export function integratorPermissions(user = "integrator"): NatsPermissions {
  const stream = STREAMS.catalogueEvents.name;
  return {
    publish: {
      allow: [
        `${API}.INFO`,
        `${API}.STREAM.INFO.${stream}`,
        `${API}.CONSUMER.CREATE.${stream}`,
        `${API}.CONSUMER.CREATE.${stream}.>`,
        `${API}.CONSUMER.DURABLE.CREATE.${stream}.*`,
        `${API}.CONSUMER.INFO.${stream}.*`,
        `${API}.CONSUMER.DELETE.${stream}.*`,
        `${API}.CONSUMER.MSG.NEXT.${stream}.*`,
        `${API}.CONSUMER.LIST.${stream}`,
        `${API}.CONSUMER.NAMES.${stream}`,
        `$JS.ACK.${stream}.>`,
        `$JS.FC.${stream}.>`,
      ],
      deny: othersConsumersDeny(stream),
    },
    subscribe: { allow: [...STREAMS.catalogueEvents.subjects, inbox(user)], deny: [] },
    allowResponses: false,
  };
}

/** Operators: `$SRV` discovery and stats, JetStream stream/consumer info and lists; read only. */
export function opsPermissions(user = "ops"): NatsPermissions {
  return {
    publish: { allow: [...PIPELINE_READ], deny: [] },
    subscribe: { allow: [inbox(user)], deny: [] },
    allowResponses: false,
  };
}

/** The permissions of a role, for its NATS user name. */
export function permissionsFor(role: NatsRole, user: string = role): NatsPermissions {
  if (role === "integrator") return integratorPermissions(user);
  if (role === "ops") return opsPermissions(user);
  return servicePermissions(role, user);
}
