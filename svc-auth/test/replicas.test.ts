import { createTestDatabase } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthWorld, startAuthWorld, tokensOf } from "./support.ts";

let world: AuthWorld;
beforeAll(async () => {
  world = await startAuthWorld();
});
afterAll(() => world?.close());

describe("two replicas starting at once on an empty database", () => {
  it("both start, migrate once and create the admin once", async () => {
    const fresh = await createTestDatabase("auth_replicas");
    const admin = {
      DATABASE_URL: fresh,
      ADMIN_EMAIL: "ops@example.com",
      ADMIN_PASSWORD: "ops-password",
    };
    const [a, b] = await Promise.all([world.start(admin), world.start(admin)]);
    await tokensOf(await a.client.login("ops@example.com", "ops-password"));
    await tokensOf(await b.client.login("ops@example.com", "ops-password"));
    expect(a.auth.port).not.toBe(b.auth.port);
  });
});
