import { randomUUID } from "node:crypto";
import { AppError } from "@streamstack/contracts";
import {
  type NatsConnection,
  RPC,
  request,
  serveRpc,
  startTokenVerifier,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AuthWorld, bearer, ISSUER, silent, startAuthWorld, tokensOf } from "./support.ts";

/**
 * Issue 2, item 5 from auth's side: a NATS request made for a user carries the user's
 * access token (issued by auth) in a header; the serving service verifies it locally
 * with its own KV-fed verifier — here a stand-in for streaming's token issue.
 */
let world: AuthWorld;
let caller: NatsConnection;
const seenSubjects: string[] = [];
beforeAll(async () => {
  world = await startAuthWorld();
  caller = await world.connect();
  const nc = await world.connect();
  const verifier = await startTokenVerifier({ nc, issuer: ISSUER, replicas: 1, logger: silent });
  const service = await nc.services.add({
    name: "streaming",
    version: "0.0.1",
    queue: "streaming",
  });
  serveRpc(
    service,
    RPC.tokenIssue,
    async (payload, ctx) => {
      if (!ctx.accessToken) throw new AppError("unauthorized", "no access token");
      const claims = await verifier.verify(ctx.accessToken);
      seenSubjects.push(claims.sub);
      return {
        token: "t",
        stream_url: `/api/v1/stream/${payload.media_id}`,
        expires_at: new Date().toISOString(),
      };
    },
    silent,
  );
});
afterAll(() => world?.close());

const issue = async (accessToken?: string) => {
  const payload = { media_id: randomUUID(), s3_key: "k", size_bytes: 1, content_type: "video/mp4" };
  return request(caller, RPC.tokenIssue, payload, { accessToken, timeoutMs: 2000 });
};

describe("a user's token over NATS", () => {
  it("is verified by the serving service, and refused there once the user logged out", async () => {
    const created = await world.client.register("s2s@example.com", "long-enough");
    const userId = ((await created.json()) as { id: string }).id;
    const { access_token } = await tokensOf(
      await world.client.login("s2s@example.com", "long-enough"),
    );
    await expect(issue(access_token)).resolves.toMatchObject({ token: "t" });
    expect(seenSubjects).toContain(userId);

    const out = await world.client.call(
      "POST",
      "/api/v1/auth/logout",
      undefined,
      bearer(access_token),
    );
    expect(out.status).toBe(204);
    await vi.waitFor(
      () => expect(issue(access_token)).rejects.toMatchObject({ code: "unauthorized" }),
      { timeout: 1000 },
    );
  });

  it("without a token, or with a forged one, the call is refused", async () => {
    await expect(issue()).rejects.toMatchObject({ code: "unauthorized" });
    await expect(issue("a.b.c")).rejects.toMatchObject({ code: "unauthorized" });
  });
});
