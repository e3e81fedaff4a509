import { randomUUID } from "node:crypto";
import type { JetStreamClient } from "nats";
import {
  CATALOGUE_EVENT_SCHEMA_VERSION,
  CatalogueEvent,
  type MediaEventType,
} from "../schemas/events.ts";
import { ProcessingJob, ProcessingResult } from "../schemas/jobs.ts";
import type { MediaItem } from "../schemas/media.ts";
import { encodeJson } from "./codec.ts";
import { SUBJECTS } from "./topology.ts";

/** Builds a catalogue event with a fresh id; `eventId` may be given to make retries dedupe. */
export function mediaEvent(
  type: MediaEventType,
  media: MediaItem,
  opts: { eventId?: string; occurredAt?: Date } = {},
): CatalogueEvent {
  const envelope = {
    event_id: opts.eventId ?? randomUUID(),
    schema_version: CATALOGUE_EVENT_SCHEMA_VERSION,
    occurred_at: (opts.occurredAt ?? new Date()).toISOString(),
  } as const;
  if (type === "deleted") return { ...envelope, type: "media.deleted", media_id: media.id };
  return { ...envelope, type: `media.${type}`, media } as CatalogueEvent;
}

/** Publishes a validated catalogue event; `Nats-Msg-Id` = event id, so retries dedupe. */
export async function publishCatalogueEvent(js: JetStreamClient, event: CatalogueEvent) {
  const valid = CatalogueEvent.parse(event);
  return js.publish(SUBJECTS.catalogueEvent(valid.type), encodeJson(valid), {
    msgID: valid.event_id,
  });
}

/** Enqueues a processing job; `Nats-Msg-Id` = media id, so a job is queued once. */
export async function publishProcessingJob(js: JetStreamClient, job: ProcessingJob) {
  const valid = ProcessingJob.parse(job);
  return js.publish(SUBJECTS.processingJob, encodeJson(valid), { msgID: valid.media_id });
}

/** Publishes a job outcome; one outcome per media id and outcome kind within the window. */
export async function publishProcessingResult(js: JetStreamClient, result: ProcessingResult) {
  const valid = ProcessingResult.parse(result);
  return js.publish(SUBJECTS.processingResult, encodeJson(valid), {
    msgID: `${valid.media_id}.${valid.outcome}`,
  });
}
