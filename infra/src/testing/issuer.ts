import { randomUUID } from "node:crypto";
import {
  BUCKETS,
  JWKS_KEY,
  type NatsConnection,
  openBucket,
  type Role,
} from "@streamstack/contracts/server";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export interface TestIssuer {
  /** Signs an access token as auth would (RS256, `kid`, 30 min unless `expiresIn` given). */
  token(opts?: {
    role?: Role;
    sub?: string;
    jti?: string;
    expiresIn?: string | number;
  }): Promise<string>;
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
}

/**
 * A stand-in for the auth service's key publication, for tests of other services:
 * generates an RS256 key, publishes its public JWKS to KV `auth-keys` exactly as auth
 * does, and signs tokens with it. Verification stays real.
 */
export async function createTestIssuer(
  nc: NatsConnection,
  issuer = "streamstack",
): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = `test-${randomUUID()}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const kv = await openBucket(nc, BUCKETS.authKeys, { replicas: 1 });
  await kv.put(JWKS_KEY, JSON.stringify({ keys: [jwk] }));
  return {
    kid,
    privateKey,
    token: (opts = {}) =>
      new SignJWT({ role: opts.role ?? "viewer" })
        .setProtectedHeader({ alg: "RS256", kid })
        .setSubject(opts.sub ?? randomUUID())
        .setJti(opts.jti ?? randomUUID())
        .setIssuedAt()
        .setIssuer(issuer)
        .setExpirationTime(opts.expiresIn ?? "30m")
        .sign(privateKey),
  };
}
