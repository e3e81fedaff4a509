import { A } from "@solidjs/router";
import type { MediaItem } from "@streamstack/contracts";
import { Show } from "solid-js";
import { formatDuration } from "../format/format.ts";
import { StatusBadge } from "./StatusBadge.tsx";

/** One video in the grid; the whole card is one link so it is one stop for the keyboard. */
export function MediaCard(props: { item: MediaItem; showStatus: boolean }) {
  return (
    <li class="card">
      <A href={`/watch/${props.item.id}`} class="card-link">
        <div class="thumb">
          <Show
            when={props.item.thumbnail_url}
            fallback={<div class="thumb-placeholder" aria-hidden="true" />}
          >
            {(src) => <img src={src()} alt="" loading="lazy" decoding="async" />}
          </Show>
          <span class="duration">
            <span class="visually-hidden">Duration </span>
            {formatDuration(props.item.duration_s)}
          </span>
        </div>
        <div class="card-body">
          <h2 class="card-title">{props.item.title}</h2>
          <Show when={props.showStatus}>
            <StatusBadge status={props.item.status} />
          </Show>
        </div>
      </A>
    </li>
  );
}
