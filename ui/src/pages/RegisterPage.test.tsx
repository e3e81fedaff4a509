import { fireEvent, screen } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { apiError, authRoutes, fakeFetch, json, user } from "../test-support/fake-fetch.ts";
import { renderApp } from "../test-support/render-app.tsx";

function fill() {
  fireEvent.input(screen.getByLabelText("Email"), { target: { value: "new@example.test" } });
  fireEvent.input(screen.getByLabelText(/^Password/), { target: { value: "long-enough" } });
  fireEvent.click(screen.getByRole("button", { name: "Create account" }));
}

describe("registration", () => {
  it("creates the account and signs in", async () => {
    const server = fakeFetch({
      ...authRoutes(),
      "POST /api/v1/auth/register": () => json(user(), 201),
      "GET /api/v1/catalogue/": () => json({ items: [], next_cursor: null }),
    });
    const { history } = await renderApp("/register", { fetch: server.fetch });
    fill();
    expect(await screen.findByText("No videos yet.")).toBeTruthy();
    expect(history.get()).toBe("/");
    expect(server.callsTo("POST", "/api/v1/auth/register")[0]?.body).toEqual({
      email: "new@example.test",
      password: "long-enough",
    });
  });

  it("hides the form and the link to it when the server switched registration off", async () => {
    const server = fakeFetch({
      "POST /api/v1/auth/register": () =>
        apiError(403, "registration_disabled", "Registration is disabled."),
    });
    const { history } = await renderApp("/register", { fetch: server.fetch });
    fill();
    expect(await screen.findByText(/Registration is switched off/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Create account" })).toBeNull();
    history.set({ value: "/login" });
    await screen.findByRole("heading", { name: "Sign in" });
    expect(screen.queryByRole("link", { name: "Create one" })).toBeNull();
  });

  it("explains a taken email", async () => {
    const server = fakeFetch({
      "POST /api/v1/auth/register": () => apiError(409, "conflict", "email taken"),
    });
    await renderApp("/register", { fetch: server.fetch });
    fill();
    expect((await screen.findByRole("alert")).textContent).toContain("already exists");
  });
});
