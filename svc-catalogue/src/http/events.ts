import { type EdgeEnv, requireAuth, type TokenVerifier } from "@streamstack/contracts/server";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { LiveEventFeed } from "../nats/live-events.ts";
import { API_BASE } from "./paths.ts";

export interface EventRoutesDeps {
  verifier: TokenVerifier;
  follow: (afterSeq?: number) => Promise<LiveEventFeed>;
  heartbeatMs: number;
  /** Registers a stop function run at shutdown (resolving once the stream ended); returns its unregister function. */
  onShutdown: (stop: () => Promise<void>) => () => void;
}

/**
 * `GET /api/v1/catalogue/events`: catalogue events as Server-Sent Events, for admins.
 * Auth is the `Authorization: Bearer` header only (read the stream with fetch(), as
 * EventSource cannot send headers); tokens in query strings end up in logs, so none are
 * accepted. Each event: `id` = stream sequence, `event` = its type, `data` = the
 * CatalogueEvent JSON. Send `Last-Event-ID` to resume after an id (up to 1000 back).
 */
export function eventRoutes(deps: EventRoutesDeps): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();
  app.get(`${API_BASE}/events`, requireAuth(deps.verifier, "admin"), async (c) => {
    const resume = /^\d{1,15}$/.exec(c.req.header("last-event-id") ?? "");
    // Opened before the response starts, so a failure is still a JSON error answer.
    const feed = await deps.follow(resume ? Number(resume[0]) : undefined);
    c.header("X-Accel-Buffering", "no");
    let ended!: () => void;
    const finished = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const res = streamSSE(c, async (stream) => {
      stream.onAbort(() => void feed.stop());
      const unregister = deps.onShutdown(async () => {
        await feed.stop();
        await finished;
      });
      const heartbeat = setInterval(() => void stream.write(": heartbeat\n\n"), deps.heartbeatMs);
      try {
        await stream.write(": connected\n\n");
        for await (const { seq, event } of feed) {
          await stream.writeSSE({
            id: String(seq),
            event: event.type,
            data: JSON.stringify(event),
          });
        }
      } finally {
        clearInterval(heartbeat);
        unregister();
        await feed.stop();
        ended();
      }
    });
    // The socket is of no use after an event stream ends; closing it lets a shutting-down
    // server finish at once instead of waiting out keep-alive.
    res.headers.set("Connection", "close");
    return res;
  });
  return app;
}
