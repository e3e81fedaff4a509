import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AccessClaims } from "@streamstack/contracts";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { signAccessToken } from "./access-token.ts";
import { loadSigningKey } from "./signing-key.ts";

const rsaPem = (bits = 2048, type: "pkcs8" | "pkcs1" = "pkcs8") =>
  generateKeyPairSync("rsa", { modulusLength: bits }).privateKey.export({
    type,
    format: "pem",
  }) as string;

describe("loadSigningKey", () => {
  const pem = rsaPem();

  it("derives a stable RFC 7638 kid from the public key", async () => {
    const a = await loadSigningKey({ JWT_PRIVATE_KEY: pem });
    const b = await loadSigningKey({ JWT_PRIVATE_KEY: pem });
    expect(a.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.kid).toBe(a.kid);
    expect(a.publicJwk).toMatchObject({ kty: "RSA", kid: a.kid, alg: "RS256", use: "sig" });
    expect(a.publicJwk).not.toHaveProperty("d"); // never the private part
  });

  it("reads PEM with escaped newlines, PKCS#1 PEM, and PEM files", async () => {
    const kid = (await loadSigningKey({ JWT_PRIVATE_KEY: pem })).kid;
    const escaped = pem.replaceAll("\n", "\\n");
    expect((await loadSigningKey({ JWT_PRIVATE_KEY: escaped })).kid).toBe(kid);
    const file = join(mkdtempSync(join(tmpdir(), "auth-key-")), "jwt.pem");
    writeFileSync(file, pem);
    expect((await loadSigningKey({ JWT_PRIVATE_KEY_FILE: file })).kid).toBe(kid);
    await expect(loadSigningKey({ JWT_PRIVATE_KEY: rsaPem(2048, "pkcs1") })).resolves.toBeDefined();
  });

  it("fails with a message naming the variable", async () => {
    await expect(loadSigningKey({})).rejects.toThrow(/JWT_PRIVATE_KEY/);
    await expect(loadSigningKey({ JWT_PRIVATE_KEY: "nope" })).rejects.toThrow(
      /JWT_PRIVATE_KEY is not a PEM private key/,
    );
    await expect(loadSigningKey({ JWT_PRIVATE_KEY_FILE: "/nonexistent/key.pem" })).rejects.toThrow(
      /cannot read JWT_PRIVATE_KEY_FILE/,
    );
    await expect(loadSigningKey({ JWT_PRIVATE_KEY: rsaPem(1024) })).rejects.toThrow(/2048/);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    await expect(loadSigningKey({ JWT_PRIVATE_KEY: ec })).rejects.toThrow(/RSA/);
  });
});

describe("signAccessToken", () => {
  it("signs RS256 tokens with kid and the claims of API.md, verifiable with the JWKS", async () => {
    const key = await loadSigningKey({ JWT_PRIVATE_KEY: rsaPem() });
    const sub = "6f1c2f4e-2f55-4c55-9a55-0c1f2b3a4d5e";
    const now = new Date();
    const access = await signAccessToken(
      key,
      { sub, role: "admin" },
      { issuer: "iss-x", ttlS: 1800, now },
    );
    expect(decodeProtectedHeader(access.token)).toEqual({ alg: "RS256", kid: key.kid, typ: "JWT" });
    const { payload } = await jwtVerify(
      access.token,
      createLocalJWKSet({ keys: [key.publicJwk] }),
      {
        issuer: "iss-x",
        algorithms: ["RS256"],
      },
    );
    const claims = AccessClaims.parse(payload);
    expect(claims).toMatchObject({ sub, role: "admin", jti: access.jti, iss: "iss-x" });
    expect(claims.exp - claims.iat).toBe(1800);
    expect(access.expiresAt.getTime()).toBe(claims.exp * 1000);
  });
});
