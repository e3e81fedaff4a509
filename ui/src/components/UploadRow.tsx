import { A } from "@solidjs/router";
import { Match, Show, Switch } from "solid-js";
import { formatBytes, formatEta, formatPercent, formatSpeed } from "../format/format.ts";
import type { UploadItem, UploadPhase } from "../upload/upload-item.ts";
import { ProgressBar } from "./ProgressBar.tsx";

const PHASE_LABEL: Record<UploadPhase, string> = {
  ready: "Ready",
  uploading: "Uploading",
  reconnecting: "Reconnecting",
  paused: "Paused",
  error: "Stopped",
  processing: "Processing",
  published: "Published",
  failed: "Failed",
};

/** One queued file: its title before the upload, then progress, then processing status. */
export function UploadRow(props: { upload: UploadItem; onRemove: () => void }) {
  const u = props.upload;
  const titleId = `${u.key}-title`;
  const transferring = () => ["uploading", "reconnecting", "paused", "error"].includes(u.phase());
  const progressText = () => {
    const pct = formatPercent(u.sent(), u.file.size);
    const done = `${pct} · ${formatBytes(u.sent())} of ${formatBytes(u.file.size)}`;
    if (u.phase() !== "uploading") return done;
    return `${done} · ${formatSpeed(u.speed())} · ${formatEta(u.secondsLeft())}`;
  };

  return (
    <li class="upload" data-phase={u.phase()} aria-label={`Upload of ${u.file.name}`}>
      <div class="upload-head">
        <span class="filename">{u.file.name}</span>
        <span class={`phase phase-${u.phase()}`} role="status">
          {PHASE_LABEL[u.phase()]}
        </span>
      </div>
      <Show when={u.phase() === "ready"} fallback={<p class="upload-title">{u.title()}</p>}>
        <label for={titleId}>Title</label>
        <input
          id={titleId}
          type="text"
          required
          maxLength={200}
          value={u.title()}
          onInput={(e) => u.setTitle(e.currentTarget.value)}
        />
        <label for={`${u.key}-description`}>
          Description <span class="muted">(optional)</span>
        </label>
        <textarea
          id={`${u.key}-description`}
          rows={2}
          maxLength={5000}
          value={u.description()}
          onInput={(e) => u.setDescription(e.currentTarget.value)}
        />
      </Show>
      <Show when={u.phase() !== "ready"}>
        <ProgressBar
          value={u.sent()}
          max={u.file.size}
          label={`Upload progress of ${u.title()}`}
          text={progressText()}
        />
      </Show>
      <Show when={u.message()}>
        <p class={u.phase() === "failed" || u.phase() === "error" ? "error" : "muted"}>
          {u.message()}
        </p>
      </Show>
      <div class="row">
        <Switch>
          <Match when={u.phase() === "ready"}>
            <button type="button" disabled={!u.title().trim()} onClick={() => u.start()}>
              Upload
            </button>
          </Match>
          <Match when={u.phase() === "uploading" || u.phase() === "reconnecting"}>
            <button type="button" class="secondary" onClick={() => u.pause()}>
              Pause
            </button>
          </Match>
          <Match when={u.phase() === "paused" || u.phase() === "error"}>
            <button type="button" onClick={() => u.start()}>
              Resume
            </button>
          </Match>
          <Match when={u.phase() === "published" && u.mediaId()}>
            {(id) => <A href={`/watch/${id()}`}>Watch “{u.title()}”</A>}
          </Match>
        </Switch>
        <Show when={!transferring() || u.phase() === "error" || u.phase() === "paused"}>
          <button type="button" class="secondary" onClick={props.onRemove}>
            {u.phase() === "ready" ? "Remove" : "Dismiss"}
          </button>
        </Show>
      </div>
    </li>
  );
}
