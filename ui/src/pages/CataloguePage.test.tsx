import { fireEvent, screen, waitFor, within } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Call } from "../test-support/fake-fetch.ts";
import { apiError, authRoutes, fakeFetch, json, media } from "../test-support/fake-fetch.ts";
import { renderApp } from "../test-support/render-app.tsx";

const listCalls = (calls: Call[]) => calls.filter((c) => c.path.startsWith("/api/v1/catalogue/?"));
const query = (c: Call | undefined) => new URL(c?.path ?? "/", "http://x").searchParams;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("catalogue", () => {
  it("shows cards with thumbnail, title and duration, and no status for viewers", async () => {
    const item = media({ title: "Orbit", duration_s: 65.4 });
    const server = fakeFetch({
      ...authRoutes("viewer"),
      "GET /api/v1/catalogue/": () => json({ items: [item], next_cursor: null }),
    });
    await renderApp("/", { fetch: server.fetch, signedInAs: "viewer" });
    const card = (await screen.findByText("Orbit")).closest("li")!;
    expect(within(card).getByText("1:05")).toBeTruthy();
    expect(card.querySelector("img")?.getAttribute("src")).toBe(item.thumbnail_url);
    expect(card.querySelector("a")?.getAttribute("href")).toBe(`/watch/${item.id}`);
    expect(within(card).queryByText("Published")).toBeNull();
    expect(query(listCalls(server.calls)[0]).get("status")).toBeNull();
  });

  it("shows admins every status, with a badge", async () => {
    const server = fakeFetch({
      ...authRoutes("admin"),
      "GET /api/v1/catalogue/": () =>
        json({
          items: [media({ title: "Fresh", status: "processing", duration_s: null })],
          next_cursor: null,
        }),
    });
    await renderApp("/", { fetch: server.fetch, signedInAs: "admin" });
    const card = (await screen.findByText("Fresh")).closest("li")!;
    expect(within(card).getByText("Processing")).toBeTruthy();
    expect(within(card).getByText("--:--")).toBeTruthy();
    expect(query(listCalls(server.calls)[0]).get("status")).toBe("all");
  });

  it("searches as you type, once typing pauses", async () => {
    const server = fakeFetch({
      ...authRoutes(),
      "GET /api/v1/catalogue/": (call) =>
        query(call).get("q") === "orb"
          ? json({ items: [media({ title: "Orbit" })], next_cursor: null })
          : json({ items: [media({ title: "Everything" })], next_cursor: null }),
    });
    const { history } = await renderApp("/", { fetch: server.fetch, signedInAs: "viewer" });
    await screen.findByText("Everything");
    const box = screen.getByLabelText("Search videos");
    for (const text of ["o", "or", "orb"]) fireEvent.input(box, { target: { value: text } });
    expect(await screen.findByText("Orbit")).toBeTruthy();
    expect(screen.queryByText("Everything")).toBeNull();
    const searches = listCalls(server.calls).filter((c) => query(c).has("q"));
    expect(searches.map((c) => query(c).get("q"))).toEqual(["orb"]);
    expect(history.get()).toBe("/?q=orb");
  });

  it("says when nothing matches, and when there is nothing at all", async () => {
    const server = fakeFetch({
      ...authRoutes(),
      "GET /api/v1/catalogue/": () => json({ items: [], next_cursor: null }),
    });
    await renderApp("/?q=zzz", { fetch: server.fetch, signedInAs: "viewer" });
    expect(await screen.findByText("No videos match “zzz”.")).toBeTruthy();
  });

  it("shows an error with a way to try again", async () => {
    let fail = true;
    const server = fakeFetch({
      ...authRoutes(),
      "GET /api/v1/catalogue/": () =>
        fail
          ? apiError(503, "unavailable", "The catalogue is not available right now.")
          : json({ items: [media({ title: "Back" })], next_cursor: null }),
    });
    await renderApp("/", { fetch: server.fetch, signedInAs: "viewer" });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The catalogue is not available right now.");
    fail = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Back")).toBeTruthy();
  });

  it("pages with the cursor: the Load more button appends the next page", async () => {
    const first = Array.from({ length: 3 }, (_, i) => media({ title: `First ${i}` }));
    const second = [media({ title: "Second 0" })];
    const server = fakeFetch({
      ...authRoutes(),
      "GET /api/v1/catalogue/": (call) =>
        query(call).get("cursor") === "c1"
          ? json({ items: second, next_cursor: null })
          : json({ items: first, next_cursor: "c1" }),
    });
    await renderApp("/", { fetch: server.fetch, signedInAs: "viewer" });
    await screen.findByText("First 2");
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByText("Second 0")).toBeTruthy();
    expect(screen.getAllByRole("listitem")).toHaveLength(4);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("loads the next page by itself when the end of the list scrolls into view", async () => {
    const observed: { callback: IntersectionObserverCallback; target?: Element }[] = [];
    vi.stubGlobal(
      "IntersectionObserver",
      class {
        entry: { callback: IntersectionObserverCallback; target?: Element };
        constructor(callback: IntersectionObserverCallback) {
          this.entry = { callback };
          observed.push(this.entry);
        }
        observe(target: Element) {
          this.entry.target = target;
        }
        unobserve() {}
        disconnect() {}
      },
    );
    const server = fakeFetch({
      ...authRoutes(),
      "GET /api/v1/catalogue/": (call) =>
        query(call).get("cursor") === "c1"
          ? json({ items: [media({ title: "Page two" })], next_cursor: null })
          : json({ items: [media({ title: "Page one" })], next_cursor: "c1" }),
    });
    await renderApp("/", { fetch: server.fetch, signedInAs: "viewer" });
    await screen.findByText("Page one");
    const sentinel = observed.at(-1)!;
    sentinel.callback(
      [{ isIntersecting: true, target: sentinel.target! } as IntersectionObserverEntry],
      {} as IntersectionObserver,
    );
    expect(await screen.findByText("Page two")).toBeTruthy();
    await waitFor(() => expect(query(listCalls(server.calls).at(-1)).get("cursor")).toBe("c1"));
  });
});
