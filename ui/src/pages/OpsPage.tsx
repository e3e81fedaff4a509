import type { MediaItem, PipelineSnapshot } from "@streamstack/contracts";
import { createSignal, onCleanup, onMount, Show } from "solid-js";
import { listMedia } from "../api/catalogue.ts";
import { describeError } from "../api/errors.ts";
import { getPipeline } from "../api/ingest.ts";
import { useApp } from "../app-context.tsx";
import { AdminOnly } from "../components/AdminOnly.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { FailuresTable } from "../components/FailuresTable.tsx";
import { ConsumersTable, ServicesTable, StreamsTable } from "../components/PipelineTables.tsx";
import { formatTime } from "../format/format.ts";

export const OPS_REFRESH_MS = 2000;
/** How many of the newest failed items the page lists. */
export const RECENT_FAILURES = 10;

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
  const [failures, setFailures] = createSignal<MediaItem[]>();
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
      // Both at once; one failing does not hide the other.
      const [pipeline, failed] = await Promise.allSettled([
        getPipeline(api, controller.signal),
        listMedia(api, { status: "failed", limit: RECENT_FAILURES }, controller.signal),
      ]);
      if (stopped) return;
      if (pipeline.status === "fulfilled") setSnapshot(pipeline.value);
      if (failed.status === "fulfilled") setFailures(failed.value.items);
      const problem = [pipeline, failed].find((r) => r.status === "rejected");
      setError(problem ? describeError(problem.reason) : undefined);
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
      <Show when={failures()}>{(items) => <FailuresTable items={items()} />}</Show>
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
