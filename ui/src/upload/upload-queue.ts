import { type CatalogueEvent, type MediaItem, UploadAccepted } from "@streamstack/contracts";
import { type Accessor, createSignal } from "solid-js";
import { getMedia } from "../api/catalogue.ts";
import { API_BASE, type ApiClient } from "../api/client.ts";
import { SESSION_ENDED, type Session } from "../auth/session.ts";
import { type EventsConnection, watchCatalogueEvents } from "../sse/catalogue-events.ts";
import { createUploadItem, type TusFactory, type UploadItem } from "./upload-item.ts";

export interface UploadQueue {
  uploads: Accessor<UploadItem[]>;
  /** State of the live status feed; `closed` while nothing needs following. */
  connection: Accessor<EventsConnection>;
  add(files: File[]): void;
  remove(upload: UploadItem): void;
  /** Drops everything (on sign-out): unfinished uploads are terminated. */
  clear(): void;
}

const BUSY = new Set(["uploading", "reconnecting", "paused", "error", "processing"]);

/**
 * The admin's uploads, kept for the whole visit so they go on while the admin browses
 * other pages. Each file uploads resumably with tus; once it has a media id the queue
 * follows it through processing on the catalogue's event stream, which stays open only
 * while some upload still needs it.
 */
export function createUploadQueue(deps: {
  api: ApiClient;
  session: Session;
  tus: TusFactory;
}): UploadQueue {
  const [uploads, setUploads] = createSignal<UploadItem[]>([]);
  const [connection, setConnection] = createSignal<EventsConnection>("closed");
  const byMediaId = new Map<string, UploadItem>();
  // Events can arrive before an upload learns its media id (the final tus answer and
  // the `created` event race): remember the latest view of recent media for that case.
  const recent = new Map<string, MediaItem>();
  let events: { stop(): void } | undefined;
  let refreshing: Promise<void> | undefined;

  const ensureEvents = () => {
    events ??= watchCatalogueEvents(deps.api, { onEvent, onConnection: setConnection });
  };
  const stopEventsWhenIdle = () => {
    if (uploads().some((u) => BUSY.has(u.phase()))) return;
    events?.stop();
    events = undefined;
    recent.clear();
  };

  function onEvent(event: CatalogueEvent) {
    if (event.type === "media.deleted") return;
    recent.set(event.media.id, event.media);
    byMediaId.get(event.media.id)?.applyMedia(event.media);
    stopEventsWhenIdle();
  }

  function onMediaId(upload: UploadItem, id: string) {
    byMediaId.set(id, upload);
    ensureEvents();
    const seen = recent.get(id);
    if (seen) upload.applyMedia(seen);
    // The event stream tells only what happens from now on: ask for the current state.
    getMedia(deps.api, id).then(
      (item) => {
        upload.applyMedia(item);
        stopEventsWhenIdle();
      },
      () => undefined,
    );
  }

  const itemDeps = {
    tus: deps.tus,
    // ingest: `GET /ingest/tus/{id}/media` answers for a finished upload.
    lookupMediaId: async (uploadUrl: string) => {
      const path = new URL(uploadUrl, globalThis.location?.href ?? "http://localhost").pathname;
      if (!path.startsWith(`${API_BASE}/`)) return undefined;
      const answer = await deps.api.json(UploadAccepted, `${path.slice(API_BASE.length)}/media`);
      return answer.media_id;
    },
    authorization: async () => {
      await refreshing;
      return deps.session.accessToken();
    },
    onUnauthorized: () => {
      refreshing ??= deps.session.refresh().then((outcome) => {
        refreshing = undefined;
        if (outcome === "rejected") deps.session.end(SESSION_ENDED);
      });
    },
  };

  return {
    uploads,
    connection,
    add(files) {
      // Follow events from before the first upload finishes, so none is missed.
      ensureEvents();
      setUploads((prev) => [
        ...prev,
        ...files.map((f) => createUploadItem(f, itemDeps, onMediaId)),
      ]);
    },
    remove(upload) {
      upload.discard();
      const id = upload.mediaId();
      if (id) byMediaId.delete(id);
      setUploads((prev) => prev.filter((u) => u !== upload));
      stopEventsWhenIdle();
    },
    clear() {
      for (const u of uploads()) u.discard();
      byMediaId.clear();
      setUploads([]);
      stopEventsWhenIdle();
    },
  };
}
