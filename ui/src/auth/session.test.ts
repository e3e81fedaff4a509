// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { apiError, authRoutes, fakeFetch, json, tokenPair } from "../test-support/fake-fetch.ts";
import { memoryRefreshStore } from "../test-support/memory-store.ts";
import { createSession, SESSION_ENDED } from "./session.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("session", () => {
  it("keeps the access token in memory and the refresh token in the store", async () => {
    const server = fakeFetch(authRoutes("admin"));
    const store = memoryRefreshStore();
    const session = createSession({ fetch: server.fetch, refreshTokens: store });
    await session.login("admin@example.test", "secret-password");
    expect(session.state()).toMatchObject({ status: "signed-in", user: { role: "admin" } });
    expect(session.accessToken()).toMatch(/^access-/);
    expect(store.value).toMatch(/^refresh-/);
    expect(server.callsTo("GET", "/api/v1/auth/me")[0]?.headers.get("authorization")).toBe(
      `Bearer ${session.accessToken()}`,
    );
  });

  it("refreshes silently 60 s before the access token expires, with the stored token", async () => {
    const server = fakeFetch(authRoutes());
    const store = memoryRefreshStore();
    const session = createSession({ fetch: server.fetch, refreshTokens: store });
    await session.login("v@example.test", "secret-password");
    const first = store.value;
    await vi.advanceTimersByTimeAsync(1739_000);
    expect(server.callsTo("POST", "/api/v1/auth/refresh")).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    const refreshes = server.callsTo("POST", "/api/v1/auth/refresh");
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.body).toEqual({ refresh_token: first });
    expect(store.value).not.toBe(first);
    // ...and the new pair schedules the next one.
    await vi.advanceTimersByTimeAsync(1740_000);
    expect(server.callsTo("POST", "/api/v1/auth/refresh")).toHaveLength(2);
    session.dispose();
  });

  it("rotates once however many callers ask at the same time", async () => {
    const server = fakeFetch(authRoutes());
    const session = createSession({
      fetch: server.fetch,
      refreshTokens: memoryRefreshStore("r-0"),
    });
    const outcomes = await Promise.all([session.refresh(), session.refresh(), session.refresh()]);
    expect(outcomes).toEqual(["ok", "ok", "ok"]);
    expect(server.callsTo("POST", "/api/v1/auth/refresh")).toHaveLength(1);
    session.dispose();
  });

  it("ends with a message when the silent refresh is refused", async () => {
    const server = fakeFetch({
      ...authRoutes(),
      "POST /api/v1/auth/refresh": () => apiError(401, "unauthorized", "refresh token revoked"),
    });
    const store = memoryRefreshStore();
    const session = createSession({ fetch: server.fetch, refreshTokens: store });
    await session.login("v@example.test", "secret-password");
    await vi.advanceTimersByTimeAsync(1740_000);
    expect(session.state()).toEqual({ status: "signed-out", message: SESSION_ENDED });
    expect(session.accessToken()).toBeUndefined();
    expect(store.value).toBeNull();
  });

  it("retries a refresh that failed for a transient reason, keeping the token", async () => {
    let down = true;
    const server = fakeFetch({
      ...authRoutes(),
      "POST /api/v1/auth/refresh": () =>
        down ? apiError(503, "unavailable", "auth is restarting") : json(tokenPair()),
    });
    const store = memoryRefreshStore();
    const session = createSession({ fetch: server.fetch, refreshTokens: store });
    await session.login("v@example.test", "secret-password");
    await vi.advanceTimersByTimeAsync(1740_000);
    expect(session.state().status).toBe("signed-in");
    expect(store.value).not.toBeNull();
    down = false;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(server.callsTo("POST", "/api/v1/auth/refresh")).toHaveLength(2);
    expect(session.state().status).toBe("signed-in");
    session.dispose();
  });

  it("restores a session from the stored refresh token after a reload", async () => {
    const server = fakeFetch(authRoutes("admin"));
    const session = createSession({
      fetch: server.fetch,
      refreshTokens: memoryRefreshStore("r-saved"),
    });
    expect(session.state().status).toBe("restoring");
    await session.restore();
    expect(session.state()).toMatchObject({ status: "signed-in", user: { role: "admin" } });
    session.dispose();
  });

  it("restores nothing without a stored token, and says so when the token is dead", async () => {
    const none = createSession({
      fetch: fakeFetch(authRoutes()).fetch,
      refreshTokens: memoryRefreshStore(),
    });
    await none.restore();
    expect(none.state()).toEqual({ status: "signed-out" });

    const dead = createSession({
      fetch: fakeFetch({
        "POST /api/v1/auth/refresh": () => apiError(401, "unauthorized", "expired"),
      }).fetch,
      refreshTokens: memoryRefreshStore("r-old"),
    });
    await dead.restore();
    expect(dead.state()).toEqual({ status: "signed-out", message: SESSION_ENDED });
  });

  it("logs out with the access token and the refresh token, and forgets both", async () => {
    const server = fakeFetch(authRoutes());
    const store = memoryRefreshStore();
    const session = createSession({ fetch: server.fetch, refreshTokens: store });
    await session.login("v@example.test", "secret-password");
    const access = session.accessToken();
    const refresh = store.value;
    await session.logout();
    const [logout] = server.callsTo("POST", "/api/v1/auth/logout");
    expect(logout?.headers.get("authorization")).toBe(`Bearer ${access}`);
    expect(logout?.body).toEqual({ refresh_token: refresh });
    expect(session.state()).toEqual({ status: "signed-out" });
    expect(session.accessToken()).toBeUndefined();
    expect(store.value).toBeNull();
    // No refresh timer survives the logout.
    await vi.advanceTimersByTimeAsync(3600_000);
    expect(server.callsTo("POST", "/api/v1/auth/refresh")).toHaveLength(0);
  });

  it("ends when another tab signs out", async () => {
    let notify = () => {};
    const session = createSession({
      fetch: fakeFetch(authRoutes()).fetch,
      refreshTokens: memoryRefreshStore(),
      onStorageCleared: (listener) => {
        notify = listener;
        return () => {};
      },
    });
    await session.login("v@example.test", "secret-password");
    notify();
    expect(session.state()).toEqual({
      status: "signed-out",
      message: "You signed out in another tab.",
    });
  });
});
