import { ErrorBodySchema } from "@streamstack/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthWorld, startAuthWorld } from "./support.ts";

// Small limits so the test stays short; the defaults are 5 per email and 20 per IP per 15 min.
const WINDOW_S = 600;
let world: AuthWorld;
beforeAll(async () => {
  world = await startAuthWorld({
    LOGIN_MAX_FAILURES_PER_EMAIL: "3",
    LOGIN_MAX_FAILURES_PER_IP: "6",
    LOGIN_FAILURE_WINDOW_S: String(WINDOW_S),
  });
});
afterAll(() => world?.close());

/** Requests arrive from the test over loopback, a trusted proxy: X-Forwarded-For is believed. */
const from = (ip: string) => ({ "x-forwarded-for": ip });

async function expectThrottled(res: Response) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
  const { error } = ErrorBodySchema.parse(await res.json());
  expect(error.code).toBe("too_many_requests");
  expect(error.details).toEqual({ retry_after_s: retryAfter });
}

describe("login throttling", () => {
  it("blocks an email after its failures, even with the right password, with Retry-After", async () => {
    await world.client.register("victim@example.com", "the-password");
    for (let i = 0; i < 3; i++) {
      const res = await world.client.login(
        "victim@example.com",
        `guess-${i}`,
        from(`198.51.100.${i}`),
      );
      expect(res.status).toBe(401);
    }
    await expectThrottled(
      await world.client.login("victim@example.com", "the-password", from("198.51.100.99")),
    );
    await expectThrottled(
      await world.client.login("VICTIM@example.com", "guess-x", from("198.51.100.98")),
    );
    // other accounts are not affected
    await world.client.register("bystander@example.com", "the-password");
    expect(
      (await world.client.login("bystander@example.com", "the-password", from("198.51.100.97")))
        .status,
    ).toBe(200);
  });

  it("throttles unknown emails the same way (no account enumeration through 429s)", async () => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await world.client.login("ghost@example.com", "x", from(`192.0.2.${i}`))).status,
      ).toBe(401);
    }
    await expectThrottled(await world.client.login("ghost@example.com", "x", from("192.0.2.50")));
  });

  it("blocks an IP that guesses across many emails; other IPs keep working", async () => {
    await world.client.register("ipcheck@example.com", "the-password");
    for (let i = 0; i < 6; i++) {
      const res = await world.client.login(`spray${i}@example.com`, "x", from("203.0.113.7"));
      expect(res.status).toBe(401);
    }
    await expectThrottled(
      await world.client.login("ipcheck@example.com", "the-password", from("203.0.113.7")),
    );
    // prepending a made-up address does not escape: the gateway's hop is the one that counts
    await expectThrottled(
      await world.client.login(
        "ipcheck@example.com",
        "the-password",
        from("10.9.9.9, 6.6.6.6, 203.0.113.7"),
      ),
    );
    expect(
      (await world.client.login("ipcheck@example.com", "the-password", from("203.0.113.8"))).status,
    ).toBe(200);
  });

  it("a successful sign-in forgets the email's failures", async () => {
    await world.client.register("forgetful@example.com", "the-password");
    for (const attempt of ["a", "b", "ok", "c", "d"]) {
      const password = attempt === "ok" ? "the-password" : attempt;
      const res = await world.client.login("forgetful@example.com", password, from("198.18.0.1"));
      expect(res.status).toBe(attempt === "ok" ? 200 : 401);
    }
  });

  it("counts failures in Postgres, shared by every replica", async () => {
    const replica = await world.start();
    await world.client.register("shared@example.com", "the-password");
    await world.client.login("shared@example.com", "x", from("198.18.1.1"));
    await replica.client.login("shared@example.com", "y", from("198.18.1.2"));
    await world.client.login("shared@example.com", "z", from("198.18.1.3"));
    await expectThrottled(
      await replica.client.login("shared@example.com", "the-password", from("198.18.1.4")),
    );
  });
});
