// @vitest-environment node
import { MediaList } from "@streamstack/contracts";
import { describe, expect, it } from "vitest";
import { createSession, SESSION_ENDED } from "../auth/session.ts";
import { apiError, authRoutes, fakeFetch, json, media } from "../test-support/fake-fetch.ts";
import { memoryRefreshStore } from "../test-support/memory-store.ts";
import { createApiClient } from "./client.ts";
import { isApiError } from "./errors.ts";

async function signedIn(routes: Parameters<typeof fakeFetch>[0]) {
  const server = fakeFetch({ ...authRoutes(), ...routes });
  const session = createSession({ fetch: server.fetch, refreshTokens: memoryRefreshStore() });
  await session.login("v@example.test", "secret-password");
  return { server, session, api: createApiClient(session, server.fetch) };
}

describe("api client", () => {
  it("sends the bearer token and validates the answer", async () => {
    const item = media();
    const { api, session, server } = await signedIn({
      "GET /api/v1/catalogue/": () => json({ items: [item], next_cursor: null }),
    });
    const list = await api.json(MediaList, "/catalogue/");
    expect(list.items[0]?.id).toBe(item.id);
    expect(server.callsTo("GET", "/api/v1/catalogue/")[0]?.headers.get("authorization")).toBe(
      `Bearer ${session.accessToken()}`,
    );
    session.dispose();
  });

  it("on a 401 rotates the tokens once and retries with the new access token", async () => {
    let first = true;
    const { api, session, server } = await signedIn({
      "GET /api/v1/catalogue/": () => {
        if (first) {
          first = false;
          return apiError(401, "unauthorized", "token expired");
        }
        return json({ items: [], next_cursor: null });
      },
    });
    const before = session.accessToken();
    await api.json(MediaList, "/catalogue/");
    const calls = server.callsTo("GET", "/api/v1/catalogue/");
    expect(calls).toHaveLength(2);
    expect(calls[1]?.headers.get("authorization")).not.toBe(`Bearer ${before}`);
    expect(server.callsTo("POST", "/api/v1/auth/refresh")).toHaveLength(1);
    expect(session.state().status).toBe("signed-in");
    session.dispose();
  });

  it("ends the session with a message when the token is revoked for good", async () => {
    const { api, session } = await signedIn({
      "GET /api/v1/catalogue/": () => apiError(401, "unauthorized", "token revoked"),
      "POST /api/v1/auth/refresh": () => apiError(401, "unauthorized", "refresh revoked"),
    });
    const err = await api.json(MediaList, "/catalogue/").catch((e: unknown) => e);
    expect(isApiError(err, "unauthorized")).toBe(true);
    expect(session.state()).toEqual({ status: "signed-out", message: SESSION_ENDED });
  });

  it("turns the API's error body into a readable ApiError", async () => {
    const { api, session } = await signedIn({
      "POST /api/v1/catalogue/x/stream-token": () =>
        apiError(409, "conflict", "the video is not published yet"),
    });
    const err = await api.send("POST", "/catalogue/x/stream-token").catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 409,
      code: "conflict",
      message: "the video is not published yet",
    });
    session.dispose();
  });
});
