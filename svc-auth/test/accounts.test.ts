import { ErrorBodySchema, User } from "@streamstack/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthWorld, bearer, startAuthWorld, tokensOf } from "./support.ts";

let world: AuthWorld;
beforeAll(async () => {
  world = await startAuthWorld();
});
afterAll(() => world?.close());

const errorOf = async (res: Response) => ErrorBodySchema.parse(await res.json()).error;

describe("POST /register", () => {
  it("creates a viewer and answers 201 with the user (no password in sight)", async () => {
    const res = await world.client.register("Ada@Example.com", "s3cret-pass", "Ada");
    expect(res.status).toBe(201);
    const body = await res.json();
    const user = User.parse(body);
    expect(user).toMatchObject({ email: "ada@example.com", display_name: "Ada", role: "viewer" });
    expect(JSON.stringify(body)).not.toMatch(/s3cret|argon/);
  });

  it("answers 409 for an email that is taken, whatever its case", async () => {
    expect((await world.client.register("dup@example.com", "password-1")).status).toBe(201);
    const again = await world.client.register("  DUP@Example.COM ", "password-2");
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("conflict");
    // the first password still works: the conflicting attempt changed nothing
    expect((await world.client.login("dup@example.com", "password-1")).status).toBe(200);
  });

  it("answers 400 with zod details for invalid bodies", async () => {
    const cases: [unknown, string][] = [
      [{ email: "not-an-email", password: "long-enough" }, "email"],
      [{ email: "short@example.com", password: "short" }, "password"],
      [{ password: "long-enough" }, "email"],
      [{ email: "x@example.com", password: "long-enough", role: "admin" }, ""],
      [{ email: "x@example.com", password: 12345678 }, "password"],
      [{ email: "x@example.com", password: "long-enough", display_name: "" }, "display_name"],
      [[], ""],
      ["just a string", ""],
    ];
    for (const [body, path] of cases) {
      const res = await world.client.call("POST", "/api/v1/auth/register", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe("invalid_request");
      const details = error.details as { path: string; message: string }[];
      expect(details.length).toBeGreaterThan(0);
      expect(details.map((d) => d.path)).toContain(path);
    }
  });

  it("never lets a client choose its role (unknown keys are refused)", async () => {
    const res = await world.client.call("POST", "/api/v1/auth/register", {
      email: "sneaky@example.com",
      password: "long-enough",
      role: "admin",
    });
    expect(res.status).toBe(400);
  });

  it("answers 415 without a JSON content type and 400 for malformed JSON", async () => {
    const url = `${world.client.base}/api/v1/auth/register`;
    const payload = JSON.stringify({ email: "ct@example.com", password: "long-enough" });
    const missing = await fetch(url, { method: "POST", body: new TextEncoder().encode(payload) });
    expect(missing.status).toBe(415);
    expect((await errorOf(missing)).code).toBe("unsupported_media_type");
    const wrong = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: payload,
    });
    expect(wrong.status).toBe(415);
    const malformed = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"email": "ct@example.com", ',
    });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe("invalid_request");
  });

  it("answers 413 for a body far larger than any auth request", async () => {
    const huge = { email: "big@example.com", password: "x".repeat(100_000) };
    const res = await world.client.call("POST", "/api/v1/auth/register", huge);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
    const chunked = await fetch(`${world.client.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Blob([JSON.stringify(huge)]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("answers 403 when registration is switched off, and sign-in still works", async () => {
    const { client } = await world.start({ REGISTRATION_ENABLED: "false" });
    const res = await client.register("late@example.com", "long-enough");
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("forbidden");
    expect((await world.client.register("early@example.com", "long-enough")).status).toBe(201);
    expect((await client.login("early@example.com", "long-enough")).status).toBe(200);
  });
});

describe("GET /me", () => {
  it("returns the caller's account", async () => {
    await world.client.register("me@example.com", "long-enough", "Me");
    const { access_token } = await tokensOf(
      await world.client.login("me@example.com", "long-enough"),
    );
    const res = await world.client.call("GET", "/api/v1/auth/me", undefined, bearer(access_token));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(User.parse(await res.json())).toMatchObject({ email: "me@example.com", role: "viewer" });
  });

  it("answers 401 without a token or with garbage", async () => {
    expect((await world.client.call("GET", "/api/v1/auth/me")).status).toBe(401);
    const garbage = await world.client.call(
      "GET",
      "/api/v1/auth/me",
      undefined,
      bearer("abc.def.ghi"),
    );
    expect(garbage.status).toBe(401);
    expect((await errorOf(garbage)).code).toBe("unauthorized");
  });
});

describe("bootstrap admin", () => {
  const admin = { ADMIN_EMAIL: "Root@Example.com", ADMIN_PASSWORD: "admin-password-1" };

  it("is created once, even by replicas starting together, and signs in as admin", async () => {
    await Promise.all([world.start(admin), world.start(admin)]);
    const rows = () =>
      world.sql`select id, password_hash from users where email = 'root@example.com'`;
    const before = await rows();
    expect(before).toHaveLength(1);
    await world.start(admin); // a restart with the same settings changes nothing
    expect(await rows()).toEqual(before);
    const login = await tokensOf(await world.client.login("root@example.com", "admin-password-1"));
    const me = User.parse(
      await (
        await world.client.call("GET", "/api/v1/auth/me", undefined, bearer(login.access_token))
      ).json(),
    );
    expect(me.role).toBe("admin");
  });

  it("takes over an email someone registered first: promoted, password reset, sessions revoked", async () => {
    await world.client.register("boss@example.com", "squatter-password");
    const squatter = await tokensOf(
      await world.client.login("boss@example.com", "squatter-password"),
    );
    await world.start({ ADMIN_EMAIL: "boss@example.com", ADMIN_PASSWORD: "the-real-password" });
    expect((await world.client.login("boss@example.com", "squatter-password")).status).toBe(401);
    const refreshed = await world.client.call("POST", "/api/v1/auth/refresh", {
      refresh_token: squatter.refresh_token,
    });
    expect(refreshed.status).toBe(401);
    const real = await tokensOf(await world.client.login("boss@example.com", "the-real-password"));
    const me = await world.client.call(
      "GET",
      "/api/v1/auth/me",
      undefined,
      bearer(real.access_token),
    );
    expect(User.parse(await me.json()).role).toBe("admin");
  });
});
