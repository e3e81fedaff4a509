import type { PipelineSnapshot } from "@streamstack/contracts";
import { createSignal, onCleanup, onMount, Show } from "solid-js";
import { describeError } from "../api/errors.ts";
import { getPipeline } from "../api/ingest.ts";
import { useApp } from "../app-context.tsx";
import { AdminOnly } from "../components/AdminOnly.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { ConsumersTable, ServicesTable, StreamsTable } from "../components/PipelineTables.tsx";
import { formatTime } from "../format/format.ts";

export const OPS_REFRESH_MS = 2000;

export function OpsPage() {
  return (
    <AdminOnly>
      <PipelineView />
    </AdminOnly>
  );
}

/**
 * The JetStream pipeline, refreshed every 2 s. The next poll is planned when the last
 * one answered, so a slow server is never asked twice at once; a hidden tab stops asking.
 */
function PipelineView() {
  const { api } = useApp();
  const [snapshot, setSnapshot] = createSignal<PipelineSnapshot>();
  const [error, setError] = createSignal<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let stopped = false;
  let inflight = false;

  const poll = async () => {
    clearTimeout(timer);
    if (inflight) return;
    inflight = true;
    controller = new AbortController();
    try {
      setSnapshot(await getPipeline(api, controller.signal));
      setError(undefined);
    } catch (err) {
      if (stopped) return;
      setError(describeError(err));
    } finally {
      inflight = false;
    }
    if (!stopped && !document.hidden) timer = setTimeout(poll, OPS_REFRESH_MS);
  };
  const onVisibility = () => {
    if (!document.hidden && !stopped) void poll();
  };

  onMount(() => {
    void poll();
    document.addEventListener("visibilitychange", onVisibility);
  });
  onCleanup(() => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
    document.removeEventListener("visibilitychange", onVisibility);
  });

  return (
    <section class="page">
      <div class="toolbar">
        <h1>Pipeline</h1>
        <Show when={snapshot()}>
          {(s) => (
            <span class="muted" aria-live="off">
              Updated {formatTime(s().collected_at)} · every {OPS_REFRESH_MS / 1000} s
            </span>
          )}
        </Show>
      </div>
      <ErrorMessage message={error()} onRetry={() => void poll()} />
      <Show when={snapshot()} fallback={<p class="muted">Loading…</p>}>
        {(s) => (
          <div class="tables">
            <ConsumersTable consumers={s().consumers} />
            <StreamsTable streams={s().streams} />
            <ServicesTable services={s().services} />
          </div>
        )}
      </Show>
    </section>
  );
}
