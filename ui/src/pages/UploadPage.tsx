import { For, Show } from "solid-js";
import { useApp } from "../app-context.tsx";
import { AdminOnly } from "../components/AdminOnly.tsx";
import { DropZone } from "../components/DropZone.tsx";
import { UploadRow } from "../components/UploadRow.tsx";
import type { EventsConnection } from "../sse/catalogue-events.ts";

const CONNECTION_LABEL: Record<EventsConnection, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  closed: "idle",
};

export function UploadPage() {
  return (
    <AdminOnly>
      <UploadQueueView />
    </AdminOnly>
  );
}

/** Files queue here, upload resumably, then show their processing status live. */
function UploadQueueView() {
  const { uploads: queue } = useApp();
  const ready = () => queue.uploads().filter((u) => u.phase() === "ready");

  return (
    <section class="page">
      <div class="toolbar">
        <h1>Upload videos</h1>
        <span class={`connection connection-${queue.connection()}`}>
          Live status: {CONNECTION_LABEL[queue.connection()]}
        </span>
      </div>
      <DropZone onFiles={queue.add} />
      <p class="muted">
        Uploads continue while you browse other pages, and resume by themselves after a dropped
        connection.
      </p>
      <Show when={queue.uploads().length > 0}>
        <div class="row queue-actions">
          <h2>Queue</h2>
          <Show when={ready().length > 1}>
            <button
              type="button"
              onClick={() => {
                for (const u of ready()) u.start();
              }}
            >
              Upload all ({ready().length})
            </button>
          </Show>
        </div>
        <ul class="uploads" aria-label="Upload queue">
          <For each={queue.uploads()}>
            {(u) => <UploadRow upload={u} onRemove={() => queue.remove(u)} />}
          </For>
        </ul>
      </Show>
    </section>
  );
}
