import { z } from "zod";
import { HEADER } from "../nats/headers.ts";
import { RPC, type RpcDef } from "../nats/rpc.ts";
import { BUCKETS, CONSUMERS, STREAMS, SUBJECTS } from "../nats/topology.ts";
import {
  CATALOGUE_EVENT_SCHEMA_VERSION,
  MediaCreated,
  MediaDeleted,
  MediaFailed,
  MediaPublished,
  MediaUpdated,
} from "../schemas/events.ts";
import { ProcessingJob, ProcessingResult } from "../schemas/jobs.ts";

type Json = Record<string, unknown>;

/**
 * AsyncAPI's default schema format is a JSON Schema draft-07 superset, so payloads are
 * rendered for draft-07 (no `$schema`, which would only repeat that).
 */
const schemaOf = (schema: z.ZodType, io: "input" | "output" = "output"): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: "draft-7",
    io,
    unrepresentable: "any",
  });
  return rest;
};

const headers = (props: Record<string, Json>, required: string[] = []): Json => ({
  type: "object",
  properties: props,
  ...(required.length > 0 && { required }),
});

const ref = (path: string) => ({ $ref: `#/${path}` });

const EVENTS = [
  {
    type: "created",
    schema: MediaCreated,
    summary: "A video was uploaded and recorded; it is now `processing`.",
    when: "Fires once per item, when ingest has stored the upload and asked the catalogue to record it.",
  },
  {
    type: "published",
    schema: MediaPublished,
    summary: "Processing succeeded: the item is `published` and streamable.",
    when: "Fires at most once per item. `media` carries the probe results (duration, codecs, size in pixels) and the thumbnail URL.",
  },
  {
    type: "updated",
    schema: MediaUpdated,
    summary: "An admin edited the title and/or description.",
    when: "Fires on every edit; `media` is the item after the edit.",
  },
  {
    type: "failed",
    schema: MediaFailed,
    summary: "Processing failed: the item is `failed` for good.",
    when: "Fires at most once per item; `media.failure_reason` says why (e.g. not a decodable video).",
  },
  {
    type: "deleted",
    schema: MediaDeleted,
    summary: "An admin deleted the item; its objects are removed asynchronously.",
    when: "Fires once per item. Carries only `media_id`: the item no longer exists.",
  },
] as const;

const EVENT_HEADERS = headers(
  {
    "Nats-Msg-Id": {
      type: "string",
      format: "uuid",
      description:
        "Equals the payload's `event_id`. JetStream drops a republished copy within its duplicate window; consumers dedupe by `event_id` for anything older.",
    },
  },
  ["Nats-Msg-Id"],
);

const REQUEST_HEADERS = headers({
  [HEADER.authorization]: {
    type: "string",
    pattern: "^Bearer .+$",
    description: "The access token of the user the call is made for, when there is one.",
  },
  [HEADER.requestId]: {
    type: "string",
    description: "Correlates logs across the edge and the services.",
  },
});

const SERVICE_ERROR_HEADERS = headers(
  {
    [HEADER.serviceErrorCode]: {
      type: "string",
      pattern: "^[0-9]{3}$",
      description:
        "HTTP-like status of the platform's error family: 400 invalid_request, 401, 403, 404 not_found, 409 conflict, 413, 415, 416, 429, 500 internal, 503 unavailable, 504 timeout.",
    },
    [HEADER.serviceError]: { type: "string", description: "Human-readable message." },
  },
  [HEADER.serviceErrorCode, HEADER.serviceError],
);

/** Channel/message ids are camelCase names; a subject's dots would clash with `$ref` paths. */
const camel = (s: string) => s.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());

/**
 * The platform's AsyncAPI 3.0 document: every subject it publishes or serves, with
 * payloads rendered from the same zod schemas the services validate with, so the
 * document cannot drift from the wire. Pure: same contracts → same document.
 */
export function asyncApiDocument() {
  const channels: Record<string, Json> = {};
  const operations: Record<string, Json> = {};
  const messages: Record<string, Json> = {};

  for (const e of EVENTS) {
    const id = camel(`media.${e.type}`);
    const subject = SUBJECTS.catalogueEvent(`media.${e.type}`);
    messages[id] = {
      name: `media.${e.type}`,
      title: `media.${e.type}`,
      summary: e.summary,
      description: `${e.when} Payload envelope: event_id (also the Nats-Msg-Id), type, schema_version (${CATALOGUE_EVENT_SCHEMA_VERSION}), occurred_at.`,
      contentType: "application/json",
      headers: EVENT_HEADERS,
      payload: schemaOf(e.schema),
    };
    channels[id] = {
      address: subject,
      title: subject,
      description: `Stored in JetStream stream ${STREAMS.catalogueEvents.name} (replayable for a year).`,
      messages: { [id]: ref(`components/messages/${id}`) },
    };
    operations[`publish${id[0]?.toUpperCase()}${id.slice(1)}`] = {
      action: "send",
      channel: ref(`channels/${id}`),
      summary: `catalogue publishes media.${e.type}`,
      messages: [ref(`channels/${id}/messages/${id}`)],
    };
  }

  rpcChannels(RPC.mediaCreate, "Ingest records an uploaded video (idempotent by media_id).");
  rpcChannels(RPC.mediaGet, "Read one media item in any status.");
  rpcChannels(RPC.tokenIssue, "Catalogue asks streaming for a stream token (valid 1 h).");

  queueChannel({
    id: "processingJob",
    subject: SUBJECTS.processingJob,
    schema: ProcessingJob,
    summary: "Probe an upload and make its thumbnail.",
    producer: "ingest",
    consumer: "thumbnailer",
    stream: STREAMS.processingJobs,
    msgId: "Equals `media_id`: a job is queued once.",
  });
  queueChannel({
    id: "processingResult",
    subject: SUBJECTS.processingResult,
    schema: ProcessingResult,
    summary: "A processing job ended (succeeded with probe results, or failed with a reason).",
    producer: "thumbnailer",
    consumer: "catalogue",
    stream: STREAMS.processingResults,
    msgId: "`<media_id>.<outcome>`: one outcome per media id and outcome kind.",
  });

  // Core NATS, not JetStream: ingest replicas coordinate tus uploads among themselves.
  messages.tusLockRelease = {
    name: "tus lock release",
    summary: "Asks the ingest replica holding a tus upload's lock to let go when its request ends.",
    description: `Empty body. The lock itself is a lease in KV ${BUCKETS.tusLocks.name}.`,
    payload: { type: "null" },
  };
  channels.tusLockRelease = {
    address: SUBJECTS.tusLockRelease("{upload_id}"),
    title: "ingest.tus.lock.release",
    description: "Internal to ingest (core NATS, fire and forget). Not for integrators.",
    parameters: { upload_id: { description: "The tus upload id" } },
    messages: { tusLockRelease: ref("components/messages/tusLockRelease") },
  };
  operations.requestTusLockRelease = {
    action: "send",
    channel: ref("channels/tusLockRelease"),
    summary: "an ingest replica that wants an upload's lock",
    messages: [ref("channels/tusLockRelease/messages/tusLockRelease")],
  };
  operations.releaseTusLock = {
    action: "receive",
    channel: ref("channels/tusLockRelease"),
    summary: "the ingest replica holding the lock",
    messages: [ref("channels/tusLockRelease/messages/tusLockRelease")],
  };

  function rpcChannels(def: RpcDef, summary: string) {
    const id = camel(def.endpoint);
    const replyId = `${id}Reply`;
    messages[`${id}Request`] = {
      name: `${def.endpoint} request`,
      summary,
      contentType: "application/json",
      headers: REQUEST_HEADERS,
      payload: schemaOf(def.request, "input"),
    };
    messages[`${id}Response`] = {
      name: `${def.endpoint} response`,
      summary: "Success: the answer.",
      contentType: "application/json",
      payload: schemaOf(def.response),
    };
    messages[`${id}Error`] = {
      name: `${def.endpoint} error`,
      summary: "A refusal or failure, as a NATS service error.",
      description:
        "Recognised by the headers. The body is the error's JSON details, or empty when there are none.",
      contentType: "application/json",
      headers: SERVICE_ERROR_HEADERS,
      payload: {},
    };
    channels[id] = {
      address: def.subject,
      title: def.subject,
      description: `Request/reply served by ${def.service} (NATS services framework endpoint \`${def.endpoint}\`, queue group \`q\`).`,
      messages: { [`${id}Request`]: ref(`components/messages/${id}Request`) },
    };
    channels[replyId] = {
      address: null,
      description: "The requester's inbox (the NATS reply subject of the request).",
      messages: {
        [`${id}Response`]: ref(`components/messages/${id}Response`),
        [`${id}Error`]: ref(`components/messages/${id}Error`),
      },
    };
    operations[`serve${id[0]?.toUpperCase()}${id.slice(1)}`] = {
      action: "receive",
      channel: ref(`channels/${id}`),
      summary: `${def.service} answers ${def.subject}`,
      messages: [ref(`channels/${id}/messages/${id}Request`)],
      reply: {
        channel: ref(`channels/${replyId}`),
        messages: [
          ref(`channels/${replyId}/messages/${id}Response`),
          ref(`channels/${replyId}/messages/${id}Error`),
        ],
      },
    };
  }

  function queueChannel(q: {
    id: string;
    subject: string;
    schema: z.ZodType;
    summary: string;
    producer: string;
    consumer: string;
    stream: { name: string; retention: string };
    msgId: string;
  }) {
    messages[q.id] = {
      name: q.subject,
      summary: q.summary,
      contentType: "application/json",
      headers: headers({ "Nats-Msg-Id": { type: "string", description: q.msgId } }, [
        "Nats-Msg-Id",
      ]),
      payload: schemaOf(q.schema),
    };
    channels[q.id] = {
      address: q.subject,
      title: q.subject,
      description: `Internal: stream ${q.stream.name} (${q.stream.retention} retention). Not for integrators.`,
      messages: { [q.id]: ref(`components/messages/${q.id}`) },
    };
    const upper = `${q.id[0]?.toUpperCase()}${q.id.slice(1)}`;
    operations[`publish${upper}`] = {
      action: "send",
      channel: ref(`channels/${q.id}`),
      summary: `${q.producer} publishes`,
      messages: [ref(`channels/${q.id}/messages/${q.id}`)],
    };
    operations[`consume${upper}`] = {
      action: "receive",
      channel: ref(`channels/${q.id}`),
      summary: `${q.consumer} consumes`,
      messages: [ref(`channels/${q.id}/messages/${q.id}`)],
    };
  }

  return {
    asyncapi: "3.0.0",
    id: "urn:streamstack:nats",
    info: {
      title: "StreamStack NATS API",
      version: "1",
      description: [
        "Every subject StreamStack publishes or serves. Integrators read the catalogue events",
        `(subjects ${SUBJECTS.catalogueEvents}, stream ${STREAMS.catalogueEvents.name}) with their own durable consumers and may replay from any sequence or time;`,
        "the RPC and job subjects are internal and documented for operators.",
        "Compatibility: fields may be added to a payload at any time (ignore unknown fields);",
        "removing or changing a field is a new schema_version and a new event type.",
        "Dedupe by event_id (= Nats-Msg-Id): delivery is at least once.",
      ].join(" "),
      "x-jetstream": {
        streams: Object.values(STREAMS).map((s) => ({
          name: s.name,
          subjects: s.subjects,
          retention: s.retention,
          max_age_s: s.maxAgeMs / 1000,
          owner: s.owner,
          description: s.description,
        })),
        consumers: Object.values(CONSUMERS).map((c) => ({
          stream: c.stream,
          durable: c.durable,
          filter_subject: c.filterSubject,
          owner: c.owner,
          ack_wait_s: c.ackWaitMs / 1000,
          max_deliver: c.maxDeliver,
        })),
        kv_buckets: Object.values(BUCKETS).map((b) => ({
          name: b.name,
          owner: b.owner,
          ttl_s: b.ttlMs / 1000,
          history: b.history,
          description: b.description,
        })),
      },
    },
    defaultContentType: "application/json",
    servers: {
      local: {
        host: "localhost:4222",
        protocol: "nats",
        description:
          "The local stack (`npm start`). Integrators connect as the `integrator` user (subscribe to catalogue.events.>, manage their own consumers on CATALOGUE_EVENTS), with the inbox prefix _INBOX.<user>: replies come only to a user's own inboxes.",
        security: [ref("components/securitySchemes/natsUser")],
      },
    },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: {
        natsUser: {
          type: "userPassword",
          description: "NATS user and password (INTEGRATOR_NATS_USER / INTEGRATOR_NATS_PASSWORD).",
        },
      },
    },
  };
}
