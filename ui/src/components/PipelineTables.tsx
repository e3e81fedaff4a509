import type { PipelineSnapshot } from "@streamstack/contracts";
import { For, Show } from "solid-js";
import { formatBytes, formatDate } from "../format/format.ts";

const n = (value: number) => value.toLocaleString("en");

/** A count that means "work is piling up or being retried" gets highlighted when non-zero. */
function Alarm(props: { value: number }) {
  return (
    <td class="num" classList={{ alarm: props.value > 0 }}>
      {n(props.value)}
    </td>
  );
}

export function StreamsTable(props: { streams: PipelineSnapshot["streams"] }) {
  return (
    <table>
      <caption>Streams</caption>
      <thead>
        <tr>
          <th scope="col">Stream</th>
          <th scope="col">Subjects</th>
          <th scope="col" class="num">
            Messages
          </th>
          <th scope="col" class="num">
            Size
          </th>
          <th scope="col" class="num">
            Sequence
          </th>
          <th scope="col" class="num">
            Consumers
          </th>
        </tr>
      </thead>
      <tbody>
        <For each={props.streams} fallback={<EmptyRow cols={6} />}>
          {(s) => (
            <tr>
              <th scope="row">{s.name}</th>
              <td>
                <code>{s.subjects.join(", ")}</code>
              </td>
              <td class="num">{n(s.messages)}</td>
              <td class="num">{formatBytes(s.bytes)}</td>
              <td class="num">{s.messages > 0 ? `${n(s.first_seq)}–${n(s.last_seq)}` : "–"}</td>
              <td class="num">{n(s.consumer_count)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}

export function ConsumersTable(props: { consumers: PipelineSnapshot["consumers"] }) {
  return (
    <table>
      <caption>Consumers</caption>
      <thead>
        <tr>
          <th scope="col">Consumer</th>
          <th scope="col">Stream</th>
          <th scope="col" class="num">
            Pending
          </th>
          <th scope="col" class="num">
            Ack pending
          </th>
          <th scope="col" class="num">
            Redelivered
          </th>
          <th scope="col" class="num">
            Waiting
          </th>
          <th scope="col">Last active</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.consumers} fallback={<EmptyRow cols={7} />}>
          {(c) => (
            <tr>
              <th scope="row">{c.name}</th>
              <td>{c.stream}</td>
              <Alarm value={c.num_pending} />
              <td class="num">{n(c.num_ack_pending)}</td>
              <Alarm value={c.num_redelivered} />
              <td class="num">{n(c.num_waiting)}</td>
              <td>
                <Show when={c.last_active} fallback="never">
                  {(at) => <time datetime={at()}>{formatDate(at())}</time>}
                </Show>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}

export function ServicesTable(props: { services: PipelineSnapshot["services"] }) {
  const rows = () =>
    props.services.map((s) => ({
      ...s,
      requests: s.endpoints.reduce((sum, e) => sum + e.num_requests, 0),
      errors: s.endpoints.reduce((sum, e) => sum + e.num_errors, 0),
      lastError: s.endpoints.find((e) => e.last_error)?.last_error ?? null,
    }));
  return (
    <table>
      <caption>Services</caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Instance</th>
          <th scope="col">Version</th>
          <th scope="col">Endpoints</th>
          <th scope="col" class="num">
            Requests
          </th>
          <th scope="col" class="num">
            Errors
          </th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        <For each={rows()} fallback={<EmptyRow cols={7} />}>
          {(s) => (
            <tr>
              <th scope="row">{s.name}</th>
              <td>
                <code>{s.id}</code>
              </td>
              <td>{s.version}</td>
              <td>{s.endpoints.map((e) => e.name).join(", ")}</td>
              <td class="num">{n(s.requests)}</td>
              <Alarm value={s.errors} />
              <td>{s.lastError ?? "–"}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}

function EmptyRow(props: { cols: number }) {
  return (
    <tr>
      <td colSpan={props.cols} class="muted">
        None
      </td>
    </tr>
  );
}
