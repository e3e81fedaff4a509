import { fireEvent, screen } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { apiError, authRoutes, fakeFetch, json, media } from "../test-support/fake-fetch.ts";
import { renderApp } from "../test-support/render-app.tsx";

const catalogue = {
  "GET /api/v1/catalogue/": () => json({ items: [media({ title: "Orbit" })], next_cursor: null }),
};

async function fillAndSubmit(email: string, password: string) {
  fireEvent.input(screen.getByLabelText("Email"), { target: { value: email } });
  fireEvent.input(screen.getByLabelText("Password"), { target: { value: password } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("sign-in", () => {
  it("sends a visitor without a session to sign in, then back where they wanted to go", async () => {
    const server = fakeFetch({ ...authRoutes(), ...catalogue });
    const { history } = await renderApp("/?q=orb", { fetch: server.fetch });
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(history.get()).toBe("/login?next=%2F%3Fq%3Dorb");
    await fillAndSubmit("viewer@example.test", "secret-password");
    expect(await screen.findByText("Orbit")).toBeTruthy();
    expect(history.get()).toBe("/?q=orb");
    expect(server.callsTo("POST", "/api/v1/auth/login")[0]?.body).toEqual({
      email: "viewer@example.test",
      password: "secret-password",
    });
  });

  it("says so when the email or password is wrong", async () => {
    const server = fakeFetch({
      "POST /api/v1/auth/login": () => apiError(401, "unauthorized", "invalid credentials"),
    });
    await renderApp("/login", { fetch: server.fetch });
    await fillAndSubmit("viewer@example.test", "nope-nope");
    expect((await screen.findByRole("alert")).textContent).toContain("Wrong email or password.");
  });

  it("shows the throttling message of a 429", async () => {
    const server = fakeFetch({
      "POST /api/v1/auth/login": () =>
        apiError(429, "too_many_requests", "Too many failed attempts, try again in 60 s."),
    });
    await renderApp("/login", { fetch: server.fetch });
    await fillAndSubmit("viewer@example.test", "nope-nope");
    expect((await screen.findByRole("alert")).textContent).toContain("try again in 60 s");
  });

  it("lands on sign-in with a message when the session is revoked", async () => {
    const server = fakeFetch({
      ...authRoutes(),
      "GET /api/v1/catalogue/": () => apiError(401, "unauthorized", "token revoked"),
      "POST /api/v1/auth/refresh": () => apiError(401, "unauthorized", "refresh token revoked"),
    });
    const { history } = await renderApp("/", { fetch: server.fetch, signedInAs: "viewer" });
    expect(await screen.findByText("Your session ended, sign in again.")).toBeTruthy();
    expect(history.get()).toMatch(/^\/login\?next=/);
    expect(localStorage.getItem("streamstack.refresh_token")).toBeNull();
  });

  it("signs out: tells the server, forgets the tokens, and locks the pages", async () => {
    const server = fakeFetch({ ...authRoutes(), ...catalogue });
    const { history } = await renderApp("/", { fetch: server.fetch, signedInAs: "viewer" });
    await screen.findByText("Orbit");
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(server.callsTo("POST", "/api/v1/auth/logout")).toHaveLength(1);
    expect(localStorage.getItem("streamstack.refresh_token")).toBeNull();
    expect(history.get()).toMatch(/^\/login/);
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
  });
});
