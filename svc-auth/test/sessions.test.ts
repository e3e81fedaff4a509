import { AccessClaims, ErrorBodySchema, Revocation, TokenPair } from "@streamstack/contracts";
import { BUCKETS, openBucket, revokedJtiKey } from "@streamstack/contracts/server";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AuthWorld, bearer, startAuthWorld, tokensOf } from "./support.ts";

let world: AuthWorld;
beforeAll(async () => {
  world = await startAuthWorld();
});
afterAll(() => world?.close());

let seq = 0;
/** A fresh registered viewer per test, so tests share no state. */
async function newViewer() {
  const email = `viewer${++seq}@example.com`;
  const password = `password-${seq}-long`;
  expect((await world.client.register(email, password)).status).toBe(201);
  return { email, password };
}

const refresh = (refresh_token: string) =>
  world.client.call("POST", "/api/v1/auth/refresh", { refresh_token });
const me = (access: string) =>
  world.client.call("GET", "/api/v1/auth/me", undefined, bearer(access));
const logout = (access: string, body?: unknown) =>
  world.client.call("POST", "/api/v1/auth/logout", body, bearer(access));

describe("POST /login", () => {
  it("answers a token pair of API.md, not cacheable", async () => {
    const v = await newViewer();
    const res = await world.client.login(v.email.toUpperCase(), v.password);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const pair = TokenPair.parse(await res.json());
    expect(pair).toMatchObject({
      token_type: "Bearer",
      expires_in: 1800,
      refresh_expires_in: 604800,
    });
    const claims = AccessClaims.parse(decodeJwt(pair.access_token));
    expect(claims.role).toBe("viewer");
    expect(claims.iss).toBe("streamstack-test");
    expect(claims.exp - claims.iat).toBe(1800);
    expect(pair.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    const v = await newViewer();
    const wrong = await world.client.login(v.email, "not-the-password");
    const unknown = await world.client.login("nobody@example.com", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());
  });

  it("answers 400 with details for invalid bodies and 415 for other content types", async () => {
    const res = await world.client.call("POST", "/api/v1/auth/login", { email: "a@example.com" });
    expect(res.status).toBe(400);
    const { error } = ErrorBodySchema.parse(await res.json());
    expect(error.details).toEqual([expect.objectContaining({ path: "password" })]);
    const form = await fetch(`${world.client.base}/api/v1/auth/login`, {
      method: "POST",
      body: new URLSearchParams({ email: "a@example.com", password: "x" }),
    });
    expect(form.status).toBe(415);
  });

  it("never stores a raw refresh token, only its hash", async () => {
    const v = await newViewer();
    const pair = await tokensOf(await world.client.login(v.email, v.password));
    const rows =
      await world.sql`select * from refresh_tokens where token_hash = encode(sha256(${pair.refresh_token}::bytea), 'hex')`;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(pair.refresh_token);
  });
});

describe("POST /refresh", () => {
  it("rotates: a new pair, and the old refresh token is dead", async () => {
    const v = await newViewer();
    const first = await tokensOf(await world.client.login(v.email, v.password));
    const res = await refresh(first.refresh_token);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const second = await tokensOf(res);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect((await me(second.access_token)).status).toBe(200);
    expect((await refresh(second.refresh_token)).status).toBe(200); // the chain goes on
  });

  it("a reused refresh token revokes its whole family, access tokens included", async () => {
    const v = await newViewer();
    const first = await tokensOf(await world.client.login(v.email, v.password));
    const second = await tokensOf(await refresh(first.refresh_token));
    const other = await tokensOf(await world.client.login(v.email, v.password)); // another device

    const reuse = await refresh(first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(ErrorBodySchema.parse(await reuse.json()).error.message).toMatch(/already used/);
    // the legitimate successor dies too, and so does the access token issued with it
    expect((await refresh(second.refresh_token)).status).toBe(401);
    await vi.waitFor(async () => expect((await me(second.access_token)).status).toBe(401), {
      timeout: 1000,
    });
    const kv = await openBucket(await world.connect(), BUCKETS.revokedTokens, { replicas: 1 });
    const jti = AccessClaims.parse(decodeJwt(second.access_token)).jti;
    const entry = await kv.get(revokedJtiKey(jti));
    expect(Revocation.parse(entry?.json()).reason).toBe("refresh_reuse");
    // other sessions of the same user are untouched
    expect((await me(other.access_token)).status).toBe(200);
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it("of two concurrent refreshes with one token, exactly one wins (the other is reuse)", async () => {
    const v = await newViewer();
    const pair = await tokensOf(await world.client.login(v.email, v.password));
    const answers = await Promise.all([refresh(pair.refresh_token), refresh(pair.refresh_token)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("refuses unknown, expired and malformed refresh tokens", async () => {
    expect((await refresh("x".repeat(43))).status).toBe(401);
    const v = await newViewer();
    const pair = await tokensOf(await world.client.login(v.email, v.password));
    await world.sql`update refresh_tokens set expires_at = now() - interval '1 second'
      where token_hash = encode(sha256(${pair.refresh_token}::bytea), 'hex')`;
    const expired = await refresh(pair.refresh_token);
    expect(expired.status).toBe(401);
    expect(ErrorBodySchema.parse(await expired.json()).error.message).toMatch(/expired/);
    const empty = await world.client.call("POST", "/api/v1/auth/refresh", { refresh_token: "" });
    expect(empty.status).toBe(400);
    const missing = await world.client.call("POST", "/api/v1/auth/refresh", {});
    expect(missing.status).toBe(400);
  });
});

describe("POST /logout", () => {
  it("revokes the access token and the refresh token; 204", async () => {
    const v = await newViewer();
    const pair = await tokensOf(await world.client.login(v.email, v.password));
    const res = await logout(pair.access_token, { refresh_token: pair.refresh_token });
    expect(res.status).toBe(204);
    expect((await me(pair.access_token)).status).toBe(401);
    expect((await refresh(pair.refresh_token)).status).toBe(401);
    expect((await logout(pair.access_token)).status).toBe(401); // already revoked
  });

  it("is seen by a second, independent verifier within 1 s", async () => {
    const verifier = await world.independentVerifier();
    const v = await newViewer();
    const pair = await tokensOf(await world.client.login(v.email, v.password));
    const claims = await verifier.verify(pair.access_token);
    expect(verifier.isRevoked(claims.jti)).toBe(false);
    expect((await logout(pair.access_token)).status).toBe(204);
    await vi.waitFor(() => expect(verifier.isRevoked(claims.jti)).toBe(true), {
      timeout: 1000,
      interval: 5,
    });
    await expect(verifier.verify(pair.access_token)).rejects.toMatchObject({
      code: "unauthorized",
      message: "access token revoked",
    });
  });

  it("works without a body and keeps the refresh token alive then", async () => {
    const v = await newViewer();
    const pair = await tokensOf(await world.client.login(v.email, v.password));
    expect((await logout(pair.access_token)).status).toBe(204);
    expect((await me(pair.access_token)).status).toBe(401);
    expect((await refresh(pair.refresh_token)).status).toBe(200);
  });

  it("ignores a refresh token that belongs to someone else", async () => {
    const a = await newViewer();
    const b = await newViewer();
    const pa = await tokensOf(await world.client.login(a.email, a.password));
    const pb = await tokensOf(await world.client.login(b.email, b.password));
    expect((await logout(pa.access_token, { refresh_token: pb.refresh_token })).status).toBe(204);
    expect((await refresh(pb.refresh_token)).status).toBe(200);
  });

  it("needs a bearer token and a valid body", async () => {
    expect((await world.client.call("POST", "/api/v1/auth/logout")).status).toBe(401);
    const v = await newViewer();
    const pair = await tokensOf(await world.client.login(v.email, v.password));
    expect((await logout(pair.access_token, { refresh_token: 42 })).status).toBe(400);
    const text = await fetch(`${world.client.base}/api/v1/auth/logout`, {
      method: "POST",
      headers: { ...bearer(pair.access_token), "content-type": "text/plain" },
      body: "bye",
    });
    expect(text.status).toBe(415);
  });
});
