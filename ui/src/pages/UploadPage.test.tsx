import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import type { HttpResponse, UploadOptions } from "tus-js-client";
import { describe, expect, it } from "vitest";
import { authRoutes, fakeFetch, json, media } from "../test-support/fake-fetch.ts";
import { fakeEventStream } from "../test-support/fake-sse.ts";
import { renderApp } from "../test-support/render-app.tsx";
import type { TusFactory } from "../upload/upload-item.ts";

interface FakeUpload {
  file: File;
  options: UploadOptions;
  starts: number;
  aborts: boolean[];
}

function fakeTus() {
  const uploads: FakeUpload[] = [];
  const factory: TusFactory = (file, options) => {
    const u: FakeUpload = { file, options, starts: 0, aborts: [] };
    uploads.push(u);
    return {
      url: `http://localhost/api/v1/ingest/tus/upload-${uploads.length}.mp4`,
      start: () => void u.starts++,
      abort: async (terminate?: boolean) => void u.aborts.push(terminate ?? false),
    };
  };
  return { factory, uploads };
}

const response = (headers: Record<string, string>): HttpResponse => ({
  getStatus: () => 204,
  getHeader: (name) => headers[name],
  getBody: () => "",
  getUnderlyingObject: () => undefined,
});

const video = (name: string, size = 10_000_000) =>
  new File([new Uint8Array(size)], name, { type: "video/mp4" });

function addFiles(files: File[]) {
  const input = screen.getByLabelText("Choose videos…") as HTMLInputElement;
  Object.defineProperty(input, "files", { value: files, configurable: true });
  fireEvent.change(input);
}

describe("upload page", () => {
  it("queues files with titles from their names, uploads with tus and follows processing live", async () => {
    const events = fakeEventStream();
    const item = media({ title: "holiday 2024", status: "processing", duration_s: null });
    const tus = fakeTus();
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/catalogue/events": () => events.response(),
      [`GET /api/v1/catalogue/${item.id}`]: () => json(item),
    });
    const { session } = await renderApp("/upload", {
      fetch: server.fetch,
      signedInAs: "admin",
      tus: tus.factory,
    });
    addFiles([video("holiday_2024.mp4"), video("second.webm", 500)]);

    const rows = screen.getAllByRole("listitem");
    expect(rows).toHaveLength(2);
    const row = rows[0]!;
    const title = within(row).getByLabelText("Title") as HTMLInputElement;
    expect(title.value).toBe("holiday 2024");
    fireEvent.input(within(row).getByLabelText(/Description/), { target: { value: "Beach" } });
    fireEvent.click(within(row).getByRole("button", { name: "Upload" }));

    const upload = tus.uploads[0]!;
    expect(upload.starts).toBe(1);
    expect(upload.options.endpoint).toBe("/api/v1/ingest/tus/");
    expect(upload.options.metadata).toEqual({
      filename: "holiday_2024.mp4",
      filetype: "video/mp4",
      title: "holiday 2024",
      description: "Beach",
    });
    expect(upload.options.retryDelays?.length).toBeGreaterThan(5);
    const headers: Record<string, string> = {};
    await upload.options.onBeforeRequest?.({
      setHeader: (k: string, v: string) => (headers[k] = v),
    } as never);
    expect(headers.Authorization).toBe(`Bearer ${session.accessToken()}`);

    // Progress: percent, bytes, speed and time left.
    upload.options.onProgress?.(0, 10_000_000);
    await new Promise((r) => setTimeout(r, 50));
    upload.options.onProgress?.(2_500_000, 10_000_000);
    const bar = within(row).getByRole("progressbar") as HTMLProgressElement;
    expect(bar.value).toBe(2_500_000);
    expect(within(row).getByText(/^25% · 2\.50 MB of 10\.0 MB · .+\/s · .+ left$/)).toBeTruthy();

    // Pause stops the transfer without terminating it; resume starts it again.
    fireEvent.click(within(row).getByRole("button", { name: "Pause" }));
    expect(upload.aborts).toEqual([false]);
    expect(within(row).getByText("Paused")).toBeTruthy();
    fireEvent.click(within(row).getByRole("button", { name: "Resume" }));
    expect(upload.starts).toBe(2);

    // A dropped connection is retried by tus and shown as such.
    const dropped = Object.assign(new Error("network"), {
      originalRequest: {},
      originalResponse: null,
    });
    expect(upload.options.onShouldRetry?.(dropped as never, 0, upload.options)).toBe(true);
    expect(within(row).getByText("Reconnecting")).toBeTruthy();

    // Done: the final answer names the media; its processing status follows live.
    upload.options.onProgress?.(10_000_000, 10_000_000);
    upload.options.onSuccess?.({ lastResponse: response({ "Upload-Media-Id": item.id }) });
    expect(await within(row).findByText("Processing")).toBeTruthy();
    await waitFor(() =>
      expect(server.callsTo("GET", `/api/v1/catalogue/${item.id}`)).toHaveLength(1),
    );
    await screen.findByText("Live status: live");
    events.send("media.published", {
      ...item,
      status: "published",
      updated_at: "2025-01-01T10:01:00.000Z",
    });
    expect(await within(row).findByText("Published")).toBeTruthy();
    expect(
      within(row).getByRole("link", { name: "Watch “holiday 2024”" }).getAttribute("href"),
    ).toBe(`/watch/${item.id}`);
  });

  it("shows why processing failed", async () => {
    const events = fakeEventStream();
    const item = media({ status: "processing" });
    const tus = fakeTus();
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/catalogue/events": () => events.response(),
      [`GET /api/v1/catalogue/${item.id}`]: () => json(item),
    });
    await renderApp("/upload", { fetch: server.fetch, signedInAs: "admin", tus: tus.factory });
    addFiles([video("broken.mp4", 100)]);
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    tus.uploads[0]!.options.onSuccess?.({ lastResponse: response({ "Upload-Media-Id": item.id }) });
    await screen.findByText("Live status: live");
    events.send("media.failed", {
      ...item,
      status: "failed",
      failure_reason: "ffprobe: no video stream",
      updated_at: "2025-01-01T10:01:00.000Z",
    });
    expect(await screen.findByText("ffprobe: no video stream")).toBeTruthy();
    expect(screen.getByText("Failed")).toBeTruthy();
  });

  it("asks ingest for the media id when the final answer does not carry it", async () => {
    const events = fakeEventStream();
    const item = media({ status: "processing" });
    const tus = fakeTus();
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/catalogue/events": () => events.response(),
      "GET /api/v1/ingest/tus/upload-1.mp4/media": () =>
        json({ media_id: item.id, status: "processing", item }),
      [`GET /api/v1/catalogue/${item.id}`]: () => json({ ...item, status: "published" }),
    });
    await renderApp("/upload", { fetch: server.fetch, signedInAs: "admin", tus: tus.factory });
    addFiles([video("clip.mp4", 100)]);
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    tus.uploads[0]!.options.onSuccess?.({ lastResponse: response({}) });
    expect(await screen.findByText("Published")).toBeTruthy();
    expect(server.callsTo("GET", "/api/v1/ingest/tus/upload-1.mp4/media")).toHaveLength(1);
  });

  it("shows the server's reason when it refuses a file, and stops retrying", async () => {
    const tus = fakeTus();
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/catalogue/events": () => fakeEventStream().response(),
    });
    await renderApp("/upload", { fetch: server.fetch, signedInAs: "admin", tus: tus.factory });
    addFiles([video("notes.mp4", 100)]);
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    const refused = Object.assign(new Error("refused"), {
      originalRequest: {},
      originalResponse: {
        getStatus: () => 415,
        getHeader: () => undefined,
        getBody: () =>
          JSON.stringify({ error: { code: "unsupported_media_type", message: "Not a video." } }),
        getUnderlyingObject: () => undefined,
      },
    });
    const { options } = tus.uploads[0]!;
    expect(options.onShouldRetry?.(refused as never, 0, options)).toBe(false);
    options.onError?.(refused);
    expect(await screen.findByText("Not a video.")).toBeTruthy();
    expect(screen.getByText("Stopped")).toBeTruthy();
  });

  it("takes files dropped on the drop zone", async () => {
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/catalogue/events": () => fakeEventStream().response(),
    });
    await renderApp("/upload", {
      fetch: server.fetch,
      signedInAs: "admin",
      tus: fakeTus().factory,
    });
    const zone = screen.getByRole("region", { name: "Add videos" });
    fireEvent.dragEnter(zone);
    expect(zone.classList.contains("over")).toBe(true);
    fireEvent.drop(zone, { dataTransfer: { files: [video("a.mp4", 10), video("b.mov", 10)] } });
    expect(zone.classList.contains("over")).toBe(false);
    expect(screen.getAllByRole("listitem").map((li) => li.getAttribute("aria-label"))).toEqual([
      "Upload of a.mp4",
      "Upload of b.mov",
    ]);
    expect(screen.getByRole("button", { name: "Upload all (2)" })).toBeTruthy();
  });

  it("is for admins only", async () => {
    const server = fakeFetch(authRoutes("viewer"));
    await renderApp("/upload", { fetch: server.fetch, signedInAs: "viewer" });
    expect(await screen.findByRole("heading", { name: "Admins only" })).toBeTruthy();
  });
});
