import { generateKeyPairSync, randomUUID, sign } from "node:crypto";
import {
  AppError,
  BUCKETS,
  contextHeaders,
  encodeJson,
  HEADER,
  openBucket,
  RPC,
  request,
  revokedJtiKey,
  StreamTokenRecord,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StreamingWorld, startStreamingWorld } from "./support.ts";

let world: StreamingWorld;
beforeAll(async () => {
  world = await startStreamingWorld();
});
afterAll(() => world?.stop());

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the request to be refused");
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(AppError);
      return err as AppError;
    },
  );

describe("streaming.rpc.token.issue", () => {
  it("grants a viewer a token recorded in KV for one hour", async () => {
    const { media } = await world.putMedia();
    const viewer = randomUUID();
    const before = Date.now();
    const answer = await world.issue(media, await world.issuer.token({ sub: viewer }));

    expect(answer.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(answer.stream_url).toBe(`/api/v1/stream/${answer.token}`);
    const kv = await openBucket(world.nc, BUCKETS.streamTokens, { replicas: 1 });
    const stored = StreamTokenRecord.parse((await kv.get(answer.token))?.json());
    expect(stored).toMatchObject({ ...media, user_id: viewer });
    const issuedAt = Date.parse(stored.issued_at);
    expect(issuedAt).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(answer.expires_at) - issuedAt).toBe(3600_000);
    expect((await kv.status()).ttl).toBe(3600_000);
  });

  it("gives every request a different token", async () => {
    const { media } = await world.putMedia();
    const a = await world.issue(media);
    const b = await world.issue(media);
    expect(a.token).not.toBe(b.token);
  });

  it("refuses a request without the viewer's access token", async () => {
    const { media } = await world.putMedia();
    const err = await refusal(request(world.nc, RPC.tokenIssue, media));
    expect(err.code).toBe("unauthorized");
  });

  it("refuses an expired access token", async () => {
    const { media } = await world.putMedia();
    const expired = await world.issuer.token({ expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const err = await refusal(world.issue(media, expired));
    expect(err.code).toBe("unauthorized");
    expect(err.message).toMatch(/expired/);
  });

  it("refuses a revoked access token, though it is otherwise valid", async () => {
    const { media } = await world.putMedia();
    const jti = randomUUID();
    const token = await world.issuer.token({ jti });
    await world.issue(media, token); // valid until revoked

    const revoked = await openBucket(world.nc, BUCKETS.revokedTokens, { replicas: 1 });
    await revoked.put(
      revokedJtiKey(jti),
      JSON.stringify({ jti, expires_at: new Date(Date.now() + 1800_000).toISOString() }),
    );
    // The verifier learns revocations by watching KV: poll until it has.
    let err: AppError | undefined;
    for (let i = 0; i < 100 && !err; i++) {
      err = await world.issue(media, token).then(
        () => undefined,
        (e: AppError) => e,
      );
      if (!err) await new Promise((r) => setTimeout(r, 20));
    }
    expect(err?.code).toBe("unauthorized");
    expect(err?.message).toMatch(/revoked/);
  });

  it("refuses a token signed with a key auth never published", async () => {
    const { media } = await world.putMedia();
    // Right kid, right claims, wrong key: what a forger without auth's private key can do.
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const signingInput = `${b64({ alg: "RS256", kid: world.issuer.kid })}.${b64({
      sub: randomUUID(),
      role: "viewer",
      jti: randomUUID(),
      iat: now,
      exp: now + 600,
      iss: "streamstack",
    })}`;
    const forged = `${signingInput}.${sign("sha256", Buffer.from(signingInput), privateKey).toString("base64url")}`;
    expect((await refusal(world.issue(media, forged))).code).toBe("unauthorized");
    expect((await refusal(world.issue(media, "not-a-jwt"))).code).toBe("unauthorized");
  });

  it("rejects an invalid request before looking at the caller", async () => {
    const reply = await world.nc.request(
      RPC.tokenIssue.subject,
      encodeJson({ media_id: "nope", s3_key: "", size_bytes: -1 }),
      { timeout: 5000, headers: contextHeaders({ accessToken: await world.issuer.token() }) },
    );
    expect(reply.headers?.get(HEADER.serviceErrorCode)).toBe("400");
  });
});
