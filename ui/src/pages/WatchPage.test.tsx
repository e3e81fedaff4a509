import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { apiError, authRoutes, fakeFetch, json, media } from "../test-support/fake-fetch.ts";
import { renderApp } from "../test-support/render-app.tsx";

const video = () => document.querySelector("video")!;

describe("watch page", () => {
  it("plays the stream URL of a fresh token and shows the metadata", async () => {
    const item = media({ title: "Orbit", width: 640, height: 360, fps: 25, size_bytes: 1_234_567 });
    const server = fakeFetch({
      ...authRoutes(),
      [`GET /api/v1/catalogue/${item.id}`]: () => json(item),
      [`POST /api/v1/catalogue/${item.id}/stream-token`]: () =>
        json({
          stream_url: "/api/v1/stream/tok-1",
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
        }),
    });
    await renderApp(`/watch/${item.id}`, { fetch: server.fetch, signedInAs: "viewer" });
    expect(await screen.findByRole("heading", { name: "Orbit" })).toBeTruthy();
    await waitFor(() => expect(video().getAttribute("src")).toBe("/api/v1/stream/tok-1"));
    expect(video().controls).toBe(true);
    const details = screen.getByRole("region", { name: "Details" });
    for (const text of ["1:05", "640×360", "h264 / aac", "25 fps", "1.23 MB", "video/mp4"]) {
      expect(within(details).getByText(text)).toBeTruthy();
    }
    expect(screen.queryByRole("heading", { name: "Edit" })).toBeNull();
  });

  it("swaps in a new stream token before the old one expires", async () => {
    const item = media();
    let n = 0;
    const server = fakeFetch({
      ...authRoutes(),
      [`GET /api/v1/catalogue/${item.id}`]: () => json(item),
      [`POST /api/v1/catalogue/${item.id}/stream-token`]: () => {
        n++;
        // The first token is nearly spent: renewal is due halfway through its 2 s.
        const ttl = n === 1 ? 2000 : 3600_000;
        return json({
          stream_url: `/api/v1/stream/tok-${n}`,
          expires_at: new Date(Date.now() + ttl).toISOString(),
        });
      },
    });
    await renderApp(`/watch/${item.id}`, { fetch: server.fetch, signedInAs: "viewer" });
    await waitFor(() => expect(video().getAttribute("src")).toBe("/api/v1/stream/tok-1"));
    await waitFor(() => expect(video().getAttribute("src")).toBe("/api/v1/stream/tok-2"), {
      timeout: 4000,
    });
    expect(server.callsTo("POST", `/api/v1/catalogue/${item.id}/stream-token`)).toHaveLength(2);
  });

  it("explains a video that is missing, processing or failed", async () => {
    const processing = media({ status: "processing" });
    const failed = media({
      status: "failed",
      failure_reason: "not a video: ffprobe found no video stream",
    });
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/catalogue/missing": () => apiError(404, "not_found", "no such media"),
      [`GET /api/v1/catalogue/${processing.id}`]: () => json(processing),
      [`GET /api/v1/catalogue/${failed.id}`]: () => json(failed),
    });
    const { history } = await renderApp("/watch/missing", {
      fetch: server.fetch,
      signedInAs: "admin",
    });
    expect(await screen.findByRole("heading", { name: "Video not found" })).toBeTruthy();
    history.set({ value: `/watch/${processing.id}` });
    expect(await screen.findByText(/still being processed/)).toBeTruthy();
    history.set({ value: `/watch/${failed.id}` });
    expect(await screen.findByText(/ffprobe found no video stream/)).toBeTruthy();
    expect(video()).toBeNull();
  });

  it("lets an admin edit the title and description", async () => {
    const item = media({ title: "Old title", status: "processing" });
    const server = fakeFetch({
      ...authRoutes("admin"),
      [`GET /api/v1/catalogue/${item.id}`]: () => json(item),
      [`PATCH /api/v1/catalogue/${item.id}`]: (call) =>
        json({ ...item, ...(call.body as object), updated_at: "2025-01-02T10:00:00.000Z" }),
    });
    await renderApp(`/watch/${item.id}`, { fetch: server.fetch, signedInAs: "admin" });
    await screen.findByRole("heading", { name: "Old title" });
    const form = screen.getByRole("form", { name: "Edit" });
    fireEvent.input(within(form).getByLabelText("Title"), { target: { value: "New title" } });
    fireEvent.input(within(form).getByLabelText("Description"), { target: { value: "About it" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("heading", { name: "New title" })).toBeTruthy();
    expect(screen.getByText("Saved.")).toBeTruthy();
    expect(server.callsTo("PATCH", `/api/v1/catalogue/${item.id}`)[0]?.body).toEqual({
      title: "New title",
      description: "About it",
    });
  });

  it("lets an admin delete after confirming, then returns to the catalogue", async () => {
    const item = media({ title: "Doomed", status: "failed" });
    const server = fakeFetch({
      ...authRoutes("admin"),
      [`GET /api/v1/catalogue/${item.id}`]: () => json(item),
      [`DELETE /api/v1/catalogue/${item.id}`]: () => new Response(null, { status: 204 }),
      "GET /api/v1/catalogue/": () => json({ items: [], next_cursor: null }),
    });
    const { history } = await renderApp(`/watch/${item.id}`, {
      fetch: server.fetch,
      signedInAs: "admin",
    });
    fireEvent.click(await screen.findByRole("button", { name: "Delete video…" }));
    expect(server.callsTo("DELETE", "/api/v1/catalogue/")).toHaveLength(0);
    const question = screen.getByRole("alertdialog");
    expect(question.textContent).toContain("Delete “Doomed” for everyone?");
    fireEvent.click(within(question).getByRole("button", { name: "Delete permanently" }));
    await waitFor(() => expect(history.get()).toBe("/"));
    expect(server.callsTo("DELETE", `/api/v1/catalogue/${item.id}`)).toHaveLength(1);
  });
});
