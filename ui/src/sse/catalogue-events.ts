import { CatalogueEvent } from "@streamstack/contracts";
import type { ApiClient } from "../api/client.ts";
import { isApiError } from "../api/errors.ts";
import { SseParser } from "./parser.ts";
import { readEventStream } from "./read-event-stream.ts";

export type EventsConnection = "connecting" | "live" | "reconnecting" | "closed";

export interface WatchOptions {
  onEvent: (event: CatalogueEvent) => void;
  onConnection?: (state: EventsConnection) => void;
  /** Delays between reconnects; the last one repeats. */
  backoffMs?: number[];
}

/**
 * Follows `GET /catalogue/events` (admin) until `stop()` is called, reconnecting after
 * drops with `Last-Event-ID`, so the upload page keeps showing live status across
 * network hiccups and token refreshes. Events that do not match the contract are skipped.
 */
export function watchCatalogueEvents(api: ApiClient, opts: WatchOptions): { stop(): void } {
  const controller = new AbortController();
  const backoff = opts.backoffMs ?? [1000, 2000, 5000, 10_000];
  const parser = new SseParser();
  let stopped = false;

  const run = async () => {
    let failures = 0;
    opts.onConnection?.("connecting");
    while (!stopped) {
      let retryMs: number | undefined;
      try {
        const headers: Record<string, string> = { accept: "text/event-stream" };
        if (parser.lastEventId) headers["last-event-id"] = parser.lastEventId;
        const res = await api.request("/catalogue/events", { headers, signal: controller.signal });
        if (!res.body) throw new Error("no event stream body");
        opts.onConnection?.("live");
        failures = 0;
        await readEventStream(
          res.body,
          (msg) => {
            if (msg.retry !== undefined) retryMs = msg.retry;
            if (!msg.data) return;
            let json: unknown;
            try {
              json = JSON.parse(msg.data);
            } catch {
              return;
            }
            const parsed = CatalogueEvent.safeParse(json);
            if (parsed.success) opts.onEvent(parsed.data);
          },
          parser,
        );
      } catch (err) {
        if (stopped) break;
        // A session that ended or a 403 will not heal by retrying.
        if (isApiError(err, "unauthorized") || isApiError(err, "forbidden")) break;
      }
      if (stopped) break;
      const delay = retryMs ?? backoff[Math.min(failures, backoff.length - 1)] ?? 5000;
      failures++;
      opts.onConnection?.("reconnecting");
      await new Promise((r) => setTimeout(r, delay));
    }
    opts.onConnection?.("closed");
  };
  void run();

  return {
    stop() {
      stopped = true;
      controller.abort();
    },
  };
}
