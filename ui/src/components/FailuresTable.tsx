import { A } from "@solidjs/router";
import type { MediaItem } from "@streamstack/contracts";
import { For } from "solid-js";
import { formatDate } from "../format/format.ts";

/**
 * "What failed and why": the newest items that ended `failed`, with the reason the
 * thumbnailer gave (catalogue's list, filtered by status — no API of its own).
 */
export function FailuresTable(props: { items: MediaItem[] }) {
  return (
    <table>
      <caption>Recent failures</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Reason</th>
          <th scope="col">Failed</th>
        </tr>
      </thead>
      <tbody>
        <For
          each={props.items}
          fallback={
            <tr>
              <td colSpan={3} class="muted">
                No failed items.
              </td>
            </tr>
          }
        >
          {(item) => (
            <tr>
              <th scope="row">
                <A href={`/watch/${item.id}`}>{item.title}</A>
              </th>
              <td class="alarm">{item.failure_reason ?? "no reason given"}</td>
              <td>{formatDate(item.updated_at)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
