import { randomUUID } from "node:crypto";
import {
  createTestIssuer,
  garbagePayload,
  startTestNats,
  type TestIssuer,
  type TestNats,
} from "@streamstack/infra";
import fc from "fast-check";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { revokedJtiKey, startTokenVerifier, type TokenVerifier } from "../src/auth/verifier.ts";
import { openBucket } from "../src/nats/jetstream.ts";
import { BUCKETS, JWKS_KEY } from "../src/nats/topology.ts";
import { createLogger } from "../src/runtime/logger.ts";

// Every service verifies tokens with what it watches in KV (issue 7, bad input): garbage
// entries in `auth-keys` or `revoked-tokens` must neither stop the watch (later
// revocations would be missed: revoked tokens accepted) nor take the process down.
let nats: TestNats;
let nc: NatsConnection;
let issuer: TestIssuer;
let verifier: TokenVerifier;
beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url });
  issuer = await createTestIssuer(nc);
  verifier = await startTokenVerifier({
    nc,
    issuer: "streamstack",
    replicas: 1,
    logger: createLogger("verifier-test", "silent"),
  });
});
afterAll(async () => {
  verifier?.stop();
  await nc?.drain();
  await nats?.stop();
});

describe("the token verifier's KV watches with garbage entries", () => {
  it("keeps the last good keys and still applies revocations made afterwards", async () => {
    const keys = await openBucket(nc, BUCKETS.authKeys, { replicas: 1 });
    const revoked = await openBucket(nc, BUCKETS.revokedTokens, { replicas: 1 });
    for (const data of fc.sample(garbagePayload, { numRuns: 20, seed: 21 })) {
      await keys.put(JWKS_KEY, data);
      await revoked.put(revokedJtiKey(randomUUID()), data);
    }
    // Garbage keys are ignored: tokens signed with the published key still verify.
    await expect(verifier.verify(await issuer.token())).resolves.toMatchObject({ role: "viewer" });

    // A revocation after the garbage still reaches the verifier.
    const jti = randomUUID();
    const token = await issuer.token({ jti });
    await expect(verifier.verify(token)).resolves.toBeDefined();
    const now = Date.now();
    await revoked.put(
      revokedJtiKey(jti),
      JSON.stringify({
        revoked_at: new Date(now).toISOString(),
        expires_at: new Date(now + 600_000).toISOString(),
        reason: "logout",
      }),
    );
    await vi.waitFor(() => expect(verifier.isRevoked(jti)).toBe(true), { timeout: 5_000 });
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("a revocation whose value is not JSON still revokes (until the bucket's TTL)", async () => {
    const revoked = await openBucket(nc, BUCKETS.revokedTokens, { replicas: 1 });
    const jti = randomUUID();
    await revoked.put(revokedJtiKey(jti), new TextEncoder().encode("not json"));
    await vi.waitFor(() => expect(verifier.isRevoked(jti)).toBe(true), { timeout: 5_000 });
  });
});
