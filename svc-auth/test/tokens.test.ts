import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  randomUUID,
} from "node:crypto";
import { Jwks } from "@streamstack/contracts";
import { BUCKETS, JWKS_KEY, openBucket, type TokenVerifier } from "@streamstack/contracts/server";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadSigningKey } from "../src/keys/signing-key.ts";
import { type AuthWorld, bearer, ISSUER, newRsaPem, startAuthWorld, tokensOf } from "./support.ts";

let world: AuthWorld;
let verifier: TokenVerifier;
let good: string;
let kid: string;
beforeAll(async () => {
  world = await startAuthWorld();
  verifier = await world.independentVerifier();
  await world.client.register("tokens@example.com", "long-enough");
  good = (await tokensOf(await world.client.login("tokens@example.com", "long-enough")))
    .access_token;
  kid = (await loadSigningKey({ JWT_PRIVATE_KEY: world.pem })).kid;
});
afterAll(() => world?.close());

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const claimsOf = () => decodeJwt(good);

/** Signs like auth does, with whatever key/kid/claims a test wants. */
async function sign(opts: { pem?: string; kid?: string; claims?: Record<string, unknown> }) {
  const key = createPrivateKey(opts.pem ?? world.pem);
  return new SignJWT({ ...claimsOf(), jti: randomUUID(), ...opts.claims })
    .setProtectedHeader({ alg: "RS256", kid: opts.kid ?? kid, typ: "JWT" })
    .sign(key);
}

/** Both the auth edge and an independent verifier must refuse the token. */
async function expectRejected(token: string, message: RegExp) {
  const res = await world.client.call("GET", "/api/v1/auth/me", undefined, bearer(token));
  expect(res.status).toBe(401);
  await expect(verifier.verify(token)).rejects.toMatchObject({ code: "unauthorized", message });
}

describe("access tokens", () => {
  it("a genuine token passes both the edge and an independent verifier", async () => {
    expect(decodeProtectedHeader(good)).toEqual({ alg: "RS256", kid, typ: "JWT" });
    expect(
      (await world.client.call("GET", "/api/v1/auth/me", undefined, bearer(good))).status,
    ).toBe(200);
    await expect(verifier.verify(good)).resolves.toMatchObject({ role: "viewer", iss: ISSUER });
    await expect(verifier.verify(await sign({}))).resolves.toBeDefined(); // the helper signs validly
  });

  it("refuses an expired token", async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectRejected(await sign({ claims: { iat: past - 1800, exp: past } }), /expired/);
  });

  it("refuses a tampered token (payload changed, signature kept)", async () => {
    const [header, , signature] = good.split(".");
    const forged = `${header}.${b64({ ...claimsOf(), role: "admin" })}.${signature}`;
    await expectRejected(forged, /invalid access token/);
  });

  it("refuses a token from another issuer", async () => {
    await expectRejected(await sign({ claims: { iss: "someone-else" } }), /invalid access token/);
  });

  it("refuses a token signed by an unknown key, with its own kid or with ours", async () => {
    const stranger = newRsaPem();
    await expectRejected(await sign({ pem: stranger, kid: "unknown-kid" }), /invalid access token/);
    await expectRejected(await sign({ pem: stranger }), /invalid access token/);
  });

  it("refuses alg none", async () => {
    const header = b64({ alg: "none", typ: "JWT", kid });
    await expectRejected(
      `${header}.${b64({ ...claimsOf(), role: "admin" })}.`,
      /invalid access token/,
    );
  });

  it("refuses HS256 signed with the public key as the HMAC secret (alg confusion)", async () => {
    const jwks = Jwks.parse(
      await (await fetch(`${world.client.base}/api/v1/auth/jwks.json`)).json(),
    );
    const jwk = jwks.keys[0] as JsonWebKey;
    const publicPem = createPublicKey({ key: jwk, format: "jwk" }).export({
      type: "spki",
      format: "pem",
    }) as string;
    const header = b64({ alg: "HS256", typ: "JWT", kid });
    const payload = b64({ ...claimsOf(), role: "admin" });
    for (const secret of [publicPem, publicPem.trim()]) {
      const mac = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
      await expectRejected(`${header}.${payload}.${mac}`, /invalid access token/);
    }
  });

  it("refuses tokens whose claims do not fit (e.g. no role)", async () => {
    await expectRejected(await sign({ claims: { role: "superuser" } }), /unexpected claims/);
  });
});

describe("GET /jwks.json and key publication", () => {
  it("serves the published set with the kid in the token header", async () => {
    const res = await fetch(`${world.client.base}/api/v1/auth/jwks.json`);
    expect(res.status).toBe(200);
    const jwks = Jwks.parse(await res.json());
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid]);
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });

  it("a new key is published first, old keys stay (up to 3), so tokens in flight keep working", async () => {
    const pems = [newRsaPem(), newRsaPem(), newRsaPem()];
    const kids = await Promise.all(
      pems.map(async (pem) => (await loadSigningKey({ JWT_PRIVATE_KEY: pem })).kid),
    );
    const second = await world.start({ JWT_PRIVATE_KEY: pems[0]! });
    const kv = await openBucket(await world.connect(), BUCKETS.authKeys, { replicas: 1 });
    const published = async () =>
      Jwks.parse((await kv.get(JWKS_KEY))?.json()).keys.map((k) => k.kid);
    expect(await published()).toEqual([kids[0], kid]);
    // a token of the first key still verifies everywhere; one of the new key too
    await expect(verifier.verify(good)).resolves.toBeDefined();
    await world.client.register("rotated@example.com", "long-enough");
    const fresh = await tokensOf(await second.client.login("rotated@example.com", "long-enough"));
    expect(decodeProtectedHeader(fresh.access_token).kid).toBe(kids[0]);
    // the new key reaches watching verifiers (the first replica's and another service's)
    await vi.waitFor(() => expect(verifier.verify(fresh.access_token)).resolves.toBeDefined(), {
      timeout: 1000,
    });
    await vi.waitFor(
      async () => {
        const viaFirst = await world.client.call(
          "GET",
          "/api/v1/auth/me",
          undefined,
          bearer(fresh.access_token),
        );
        expect(viaFirst.status).toBe(200);
      },
      { timeout: 1000 },
    );
    // two more rotations push the first key out
    await world.start({ JWT_PRIVATE_KEY: pems[1]! });
    await world.start({ JWT_PRIVATE_KEY: pems[2]! });
    expect(await published()).toEqual([kids[2], kids[1], kids[0]]);
  });
});
