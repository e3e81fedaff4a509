import { randomUUID } from "node:crypto";
import {
  AppError,
  type CallContext,
  createLogger,
  RPC,
  StreamTokenAnswer,
  type StreamTokenIssueRequest,
  serveRpc,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogueWorld, startCatalogueWorld } from "./support.ts";

let world: CatalogueWorld;
beforeAll(async () => {
  world = await startCatalogueWorld({ STREAM_TOKEN_TIMEOUT_MS: "300" });
});
afterAll(() => world?.close());

type ErrorAnswer = { error: { code: string; message: string } };
const tokenFor = (id: string, token = world.tokens.viewer) =>
  world.api<unknown>("POST", `/${id}/stream-token`, { token });

/** A stand-in for the streaming service, served through the same contract helper. */
async function fakeStreaming(
  answer: (req: StreamTokenIssueRequest, ctx: CallContext) => Promise<unknown>,
) {
  const service = await world.nc.services.add({ name: "streaming", version: "0.0.0-test" });
  serveRpc(service, RPC.tokenIssue, answer as never, createLogger("fake-streaming", "silent"));
  await world.nc.flush();
  return { stop: () => service.stop() };
}

describe("stream tokens", () => {
  it("are only for published items: 409 for admins, 404 for viewers who cannot see it", async () => {
    const { item } = await world.create();
    const admin = await tokenFor(item.id, world.tokens.admin);
    expect(admin.status).toBe(409);
    expect((admin.body as ErrorAnswer).error.code).toBe("conflict");
    expect((await tokenFor(item.id)).status).toBe(404);
    expect((await tokenFor(randomUUID())).status).toBe(404);
    expect((await tokenFor("nope")).status).toBe(404);
    expect((await world.api("POST", `/${item.id}/stream-token`, { token: null })).status).toBe(401);
  });

  it("answer 503 with the error body when streaming is not running", async () => {
    const item = await world.published();
    const res = await tokenFor(item.id);
    expect(res.status).toBe(503);
    expect((res.body as ErrorAnswer).error).toMatchObject({ code: "unavailable" });
  });

  it("come from streaming, asked on the caller's behalf with the item's object", async () => {
    const item = await world.published({ size_bytes: 98_765, content_type: "video/webm" });
    const calls: Array<{ req: StreamTokenIssueRequest; ctx: CallContext }> = [];
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const streaming = await fakeStreaming(async (req, ctx) => {
      calls.push({ req, ctx });
      return { token: "tok123", stream_url: "/api/v1/stream/tok123", expires_at: expiresAt };
    });
    try {
      const res = await world.api("POST", `/${item.id}/stream-token`, {
        token: world.tokens.viewer,
        headers: { "x-request-id": "req-stream-1" },
      });
      expect(res.status).toBe(200);
      expect(StreamTokenAnswer.strict().parse(res.body)).toEqual({
        stream_url: "/api/v1/stream/tok123",
        expires_at: expiresAt,
      });
      expect(calls).toEqual([
        {
          req: {
            media_id: item.id,
            s3_key: `media/${item.id}.mp4`,
            size_bytes: 98_765,
            content_type: "video/webm",
          },
          ctx: { accessToken: world.tokens.viewer, requestId: "req-stream-1" },
        },
      ]);
    } finally {
      await streaming.stop();
    }
  });

  it("pass streaming's refusal on (e.g. a revoked token → 401)", async () => {
    const item = await world.published();
    const streaming = await fakeStreaming(async () => {
      throw new AppError("unauthorized", "access token revoked");
    });
    try {
      const res = await tokenFor(item.id);
      expect(res.status).toBe(401);
      expect((res.body as ErrorAnswer).error).toEqual({
        code: "unauthorized",
        message: "access token revoked",
      });
    } finally {
      await streaming.stop();
    }
  });

  it("answer 504 when streaming does not answer in time", async () => {
    const item = await world.published();
    const silent = world.nc.subscribe(RPC.tokenIssue.subject); // hears, never answers
    await world.nc.flush();
    try {
      const res = await tokenFor(item.id);
      expect(res.status).toBe(504);
      expect((res.body as ErrorAnswer).error.code).toBe("timeout");
    } finally {
      silent.unsubscribe();
    }
  });
});
