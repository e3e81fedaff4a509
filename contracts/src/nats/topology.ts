/**
 * Every subject, stream, consumer and KV bucket of the platform, as data. Services
 * and the ops tooling read names and settings from here and nowhere else.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export const SERVICES = ["auth", "catalogue", "streaming", "ingest", "thumbnailer"] as const;
export type ServiceName = (typeof SERVICES)[number];

export const SUBJECTS = {
  mediaCreate: "catalogue.rpc.media.create",
  mediaGet: "catalogue.rpc.media.get",
  tokenIssue: "streaming.rpc.token.issue",
  catalogueEvents: "catalogue.events.>",
  catalogueEvent: (type: string) => `catalogue.events.${type}`,
  processingJob: "thumbnailer.jobs.process",
  processingResult: "thumbnailer.events.job.finished",
  /** Ingest replicas ask the holder of a tus upload's lock to let go (see BUCKETS.tusLocks). */
  tusLockRelease: (uploadId: string) => `ingest.tus.lock.release.${uploadId}`,
  /** Published by the server when a job exhausted its deliveries. */
  maxDeliveriesAdvisory: (stream: string, consumer: string) =>
    `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${consumer}`,
} as const;

export interface StreamDef {
  name: string;
  owner: ServiceName;
  subjects: string[];
  retention: "limits" | "workqueue";
  maxAgeMs: number;
  description: string;
}

export const STREAMS = {
  catalogueEvents: {
    name: "CATALOGUE_EVENTS",
    owner: "catalogue",
    subjects: ["catalogue.events.>"],
    retention: "limits",
    maxAgeMs: 365 * DAY_MS,
    description: "Catalogue events for integrators; replayable for a year",
  },
  processingJobs: {
    name: "THUMBNAILER_JOBS",
    owner: "ingest",
    subjects: ["thumbnailer.jobs.>"],
    retention: "workqueue",
    maxAgeMs: 7 * DAY_MS,
    description: "Probe + thumbnail jobs, consumed once by the thumbnailer pool",
  },
  processingResults: {
    name: "THUMBNAILER_EVENTS",
    owner: "thumbnailer",
    subjects: ["thumbnailer.events.>"],
    retention: "limits",
    maxAgeMs: 7 * DAY_MS,
    description: "Job outcomes, applied by catalogue",
  },
} as const satisfies Record<string, StreamDef>;

export interface ConsumerDef {
  stream: string;
  durable: string;
  owner: ServiceName;
  filterSubject: string;
  ackWaitMs: number;
  /** Deliveries before the server gives up (and raises MAX_DELIVERIES). -1 = forever. */
  maxDeliver: number;
  maxAckPending: number;
}

export const CONSUMERS = {
  processingJobs: {
    stream: STREAMS.processingJobs.name,
    durable: "thumbnailer",
    owner: "thumbnailer",
    filterSubject: SUBJECTS.processingJob,
    ackWaitMs: 30_000,
    maxDeliver: 4,
    maxAckPending: 64,
  },
  processingResults: {
    stream: STREAMS.processingResults.name,
    durable: "catalogue-results",
    owner: "catalogue",
    filterSubject: SUBJECTS.processingResult,
    ackWaitMs: 30_000,
    maxDeliver: -1,
    maxAckPending: 256,
  },
  mediaCleanup: {
    stream: STREAMS.catalogueEvents.name,
    durable: "ingest-media-cleanup",
    owner: "ingest",
    filterSubject: "catalogue.events.media.deleted",
    ackWaitMs: 30_000,
    maxDeliver: -1,
    maxAckPending: 64,
  },
  thumbnailCleanup: {
    stream: STREAMS.catalogueEvents.name,
    durable: "thumbnailer-thumbnail-cleanup",
    owner: "thumbnailer",
    filterSubject: "catalogue.events.media.deleted",
    ackWaitMs: 30_000,
    maxDeliver: -1,
    maxAckPending: 64,
  },
} as const satisfies Record<string, ConsumerDef>;

export interface BucketDef {
  name: string;
  owner: ServiceName;
  /** Bucket-level TTL (max_age). Per-key TTL is not available on the 2.9 floor. */
  ttlMs: number;
  history: number;
  description: string;
}

export const BUCKETS = {
  streamTokens: {
    name: "stream-tokens",
    owner: "streaming",
    ttlMs: 60 * 60 * 1000,
    history: 1,
    description: "Stream token → media record, expires after 1 h",
  },
  revokedTokens: {
    name: "revoked-tokens",
    owner: "auth",
    ttlMs: 8 * DAY_MS,
    history: 1,
    description: "Revoked access-token ids and refresh tokens; outlives the 7-day refresh lifetime",
  },
  tusLocks: {
    name: "ingest-tus-locks",
    owner: "ingest",
    ttlMs: 30_000,
    history: 1,
    description: "tus upload id → the ingest replica working on it; a lease renewed while held",
  },
  deletedMedia: {
    name: "thumbnailer-deleted-media",
    owner: "thumbnailer",
    // Outlives any job still queued for the item (THUMBNAILER_JOBS keeps jobs 7 days).
    ttlMs: 8 * DAY_MS,
    history: 1,
    description:
      "Tombstones: media id → deleted. A thumbnail written after its item's delete was handled is removed again",
  },
  authKeys: {
    name: "auth-keys",
    owner: "auth",
    ttlMs: 0,
    history: 5,
    description: "Public JWKS under key `jwks`, watched by every verifier",
  },
} as const satisfies Record<string, BucketDef>;

/** Key in `auth-keys` that holds the public JWKS. */
export const JWKS_KEY = "jwks";
