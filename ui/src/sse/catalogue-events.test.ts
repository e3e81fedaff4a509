// @vitest-environment node
import type { CatalogueEvent } from "@streamstack/contracts";
import { describe, expect, it } from "vitest";
import { createApiClient } from "../api/client.ts";
import { createSession } from "../auth/session.ts";
import { apiError, authRoutes, fakeFetch, media } from "../test-support/fake-fetch.ts";
import { memoryRefreshStore } from "../test-support/memory-store.ts";
import { type EventsConnection, watchCatalogueEvents } from "./catalogue-events.ts";

const encoder = new TextEncoder();
const frame = (id: number, item = media()) =>
  `id: ${id}\nevent: media.published\ndata: ${JSON.stringify({
    event_id: crypto.randomUUID(),
    type: "media.published",
    schema_version: 1,
    occurred_at: new Date().toISOString(),
    media: item,
  })}\n\n`;

/** An event stream that sends `chunks` (split at odd places), then ends or stays open. */
const stream = (chunks: string[], end: boolean) =>
  new Response(
    new ReadableStream({
      start(c) {
        for (const chunk of chunks) c.enqueue(encoder.encode(chunk));
        if (end) c.close();
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );

async function client(routes: Parameters<typeof fakeFetch>[0]) {
  const server = fakeFetch({ ...authRoutes("admin"), ...routes });
  const session = createSession({
    fetch: server.fetch,
    refreshTokens: memoryRefreshStore(),
  });
  await session.login("admin@example.test", "secret-password");
  return { server, session, api: createApiClient(session, server.fetch) };
}

describe("watchCatalogueEvents", () => {
  it("delivers valid events, skips junk, and resumes after a drop with Last-Event-ID", async () => {
    let connections = 0;
    const a = frame(41);
    const { api, server, session } = await client({
      "GET /api/v1/catalogue/events": () => {
        connections++;
        if (connections === 1) {
          return stream(
            [": connected\n\n", a.slice(0, 30), a.slice(30), "data: {not json}\n\n"],
            true,
          );
        }
        return stream([frame(42), 'data: {"type":"media.unknown"}\n\n'], false);
      },
    });
    const seen: CatalogueEvent[] = [];
    const states: EventsConnection[] = [];
    const watch = watchCatalogueEvents(api, {
      onEvent: (e) => seen.push(e),
      onConnection: (s) => states.push(s),
      backoffMs: [10],
    });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(2);
    watch.stop();
    expect(connections).toBe(2);
    const calls = server.callsTo("GET", "/api/v1/catalogue/events");
    expect(calls[0]?.headers.get("authorization")).toBe(`Bearer ${session.accessToken()}`);
    expect(calls[0]?.headers.has("last-event-id")).toBe(false);
    expect(calls[1]?.headers.get("last-event-id")).toBe("41");
    expect(states.slice(0, 4)).toEqual(["connecting", "live", "reconnecting", "live"]);
    session.dispose();
  });

  it("gives up when the caller is not allowed to follow events", async () => {
    const { api, server, session } = await client({
      "GET /api/v1/catalogue/events": () => apiError(403, "forbidden", "admins only"),
    });
    const states: EventsConnection[] = [];
    watchCatalogueEvents(api, {
      onEvent: () => {},
      onConnection: (s) => states.push(s),
      backoffMs: [10],
    });
    await expect.poll(() => states.at(-1), { timeout: 10_000 }).toBe("closed");
    expect(server.callsTo("GET", "/api/v1/catalogue/events")).toHaveLength(1);
    session.dispose();
  });
});
