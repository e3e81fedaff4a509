import type { MediaItem } from "@streamstack/contracts";
import { Show } from "solid-js";
import {
  formatBytes,
  formatDate,
  formatDuration,
  formatFps,
  formatResolution,
} from "../format/format.ts";
import { StatusBadge } from "./StatusBadge.tsx";

/** The facts the thumbnailer probed and the catalogue keeps about one video. */
export function MetadataPanel(props: { item: MediaItem; showStatus: boolean }) {
  const codecs = () =>
    [props.item.video_codec, props.item.audio_codec].filter(Boolean).join(" / ") || "–";
  return (
    <section class="metadata" aria-labelledby="metadata-heading">
      <h2 id="metadata-heading">Details</h2>
      <dl>
        <Show when={props.showStatus}>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={props.item.status} />
          </dd>
        </Show>
        <dt>Duration</dt>
        <dd>{formatDuration(props.item.duration_s)}</dd>
        <dt>Resolution</dt>
        <dd>{formatResolution(props.item.width, props.item.height)}</dd>
        <dt>Codecs</dt>
        <dd>{codecs()}</dd>
        <dt>Frame rate</dt>
        <dd>{formatFps(props.item.fps)}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(props.item.size_bytes)}</dd>
        <dt>Type</dt>
        <dd>{props.item.content_type ?? "–"}</dd>
        <dt>Uploaded</dt>
        <dd>
          <time datetime={props.item.created_at}>{formatDate(props.item.created_at)}</time>
        </dd>
        <dt>Published</dt>
        <dd>
          <Show when={props.item.published_at} fallback="–">
            {(at) => <time datetime={at()}>{formatDate(at())}</time>}
          </Show>
        </dd>
        <dt>Last changed</dt>
        <dd>
          <time datetime={props.item.updated_at}>{formatDate(props.item.updated_at)}</time>
        </dd>
      </dl>
    </section>
  );
}
