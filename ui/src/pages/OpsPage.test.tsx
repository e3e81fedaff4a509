import { screen, waitFor, within } from "@solidjs/testing-library";
import type { PipelineSnapshot } from "@streamstack/contracts";
import { describe, expect, it } from "vitest";
import { apiError, authRoutes, fakeFetch, json, media } from "../test-support/fake-fetch.ts";
import { renderApp } from "../test-support/render-app.tsx";

function snapshot(pending: number): PipelineSnapshot {
  return {
    collected_at: new Date().toISOString(),
    streams: [
      {
        name: "THUMBNAILER_JOBS",
        subjects: ["thumbnailer.jobs.>"],
        messages: pending,
        bytes: 2048,
        first_seq: 1,
        last_seq: 12,
        consumer_count: 1,
      },
    ],
    consumers: [
      {
        stream: "THUMBNAILER_JOBS",
        name: "thumbnailer",
        num_pending: pending,
        num_ack_pending: 1,
        num_redelivered: 0,
        num_waiting: 2,
        last_active: "2025-01-01T10:00:00.000Z",
      },
    ],
    services: [
      {
        name: "catalogue",
        id: "abc123",
        version: "0.1.0",
        started: "2025-01-01T09:00:00.000Z",
        endpoints: [
          {
            name: "media-create",
            subject: "catalogue.rpc.media.create",
            num_requests: 40,
            num_errors: 0,
            average_processing_time_ms: 3,
            last_error: null,
          },
          {
            name: "media-get",
            subject: "catalogue.rpc.media.get",
            num_requests: 2,
            num_errors: 1,
            average_processing_time_ms: 1,
            last_error: "not_found",
          },
        ],
      },
    ],
  };
}

const cells = (table: HTMLElement, rowName: string) =>
  within(within(table).getByRole("rowheader", { name: rowName }).closest("tr")!).getAllByRole(
    "cell",
  );

describe("pipeline page", () => {
  it("shows streams, consumers and services, highlights a backlog, and refreshes", async () => {
    let pending = 3;
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/ingest/pipeline": () => json(snapshot(pending)),
      "GET /api/v1/catalogue/": () => json({ items: [], next_cursor: null }),
    });
    await renderApp("/ops", { fetch: server.fetch, signedInAs: "admin" });
    const consumers = await screen.findByRole("table", { name: "Consumers" });
    const [stream, pendingCell, ackPending, redelivered, waiting] = cells(consumers, "thumbnailer");
    expect(stream?.textContent).toBe("THUMBNAILER_JOBS");
    expect(pendingCell?.textContent).toBe("3");
    expect(pendingCell?.classList.contains("alarm")).toBe(true);
    expect(ackPending?.textContent).toBe("1");
    expect(redelivered?.classList.contains("alarm")).toBe(false);
    expect(waiting?.textContent).toBe("2");

    const services = screen.getByRole("table", { name: "Services" });
    const [, , , requests, errors, lastError] = cells(services, "catalogue");
    expect(requests?.textContent).toBe("42");
    expect(errors?.textContent).toBe("1");
    expect(errors?.classList.contains("alarm")).toBe(true);
    expect(lastError?.textContent).toBe("not_found");
    expect(
      cells(screen.getByRole("table", { name: "Streams" }), "THUMBNAILER_JOBS")[0]?.textContent,
    ).toBe("thumbnailer.jobs.>");

    pending = 0;
    await waitFor(
      () =>
        expect(
          cells(screen.getByRole("table", { name: "Consumers" }), "thumbnailer")[1]?.textContent,
        ).toBe("0"),
      { timeout: 5000 },
    );
    expect(server.callsTo("GET", "/api/v1/ingest/pipeline").length).toBeGreaterThanOrEqual(2);
  }, 15_000); // a bound on a hang: the refresh is 2 s away and this machine is shared

  it("lists the newest failed items with their reasons, from catalogue's status filter", async () => {
    const failed = media({
      title: "Broken upload",
      status: "failed",
      failure_reason: "not a video: ffprobe found no video stream",
    });
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/ingest/pipeline": () => json(snapshot(0)),
      "GET /api/v1/catalogue/": () => json({ items: [failed], next_cursor: null }),
    });
    await renderApp("/ops", { fetch: server.fetch, signedInAs: "admin" });
    const table = await screen.findByRole("table", { name: "Recent failures" });
    const [reason] = cells(table, "Broken upload");
    expect(reason?.textContent).toBe("not a video: ffprobe found no video stream");
    expect(within(table).getByRole("link", { name: "Broken upload" }).getAttribute("href")).toBe(
      `/watch/${failed.id}`,
    );
    const [asked] = server.callsTo("GET", "/api/v1/catalogue/");
    const query = new URL(asked?.path ?? "", "http://x").searchParams;
    expect(query.get("status")).toBe("failed");
    expect(query.get("limit")).toBe("10");
  });

  it("says when nothing failed, and keeps the pipeline when the failure list cannot load", async () => {
    let catalogueUp = true;
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/ingest/pipeline": () => json(snapshot(0)),
      "GET /api/v1/catalogue/": () =>
        catalogueUp
          ? json({ items: [], next_cursor: null })
          : apiError(503, "unavailable", "catalogue is down"),
    });
    await renderApp("/ops", { fetch: server.fetch, signedInAs: "admin" });
    const table = await screen.findByRole("table", { name: "Recent failures" });
    expect(within(table).getByText("No failed items.")).toBeTruthy();

    catalogueUp = false;
    await waitFor(
      () => expect(screen.getByRole("alert").textContent).toMatch(/catalogue is down/),
      {
        timeout: 5000,
      },
    );
    expect(screen.getByRole("table", { name: "Consumers" })).toBeTruthy();
    expect(server.callsTo("GET", "/api/v1/ingest/pipeline").length).toBeGreaterThanOrEqual(2);
  }, 15_000); // a bound on a hang: the refresh is 2 s away and this machine is shared
});
