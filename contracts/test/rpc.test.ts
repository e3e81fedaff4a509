import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { startTestNats, type TestNats } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../src/errors.ts";
import { RPC, request, serveRpc } from "../src/nats/rpc.ts";
import { collectServiceStats } from "../src/nats/services.ts";
import { BaseEnv, parseEnv } from "../src/runtime/config.ts";
import { type ServiceKit, startKit } from "../src/runtime/kit.ts";

// RPC helpers against a real nats-server: error mapping both ways, and $SRV.STATS that
// count async errors and async processing time (nats.js alone counts neither).
let nats: TestNats;
let kit: ServiceKit;
const payload = () => ({
  media_id: randomUUID(),
  s3_key: "k.mp4",
  size_bytes: 1,
  content_type: "video/mp4",
});

beforeAll(async () => {
  nats = await startTestNats();
  const env = parseEnv(BaseEnv, { PORT: "0", NATS_URL: nats.url, LOG_LEVEL: "silent" });
  kit = await startKit({ name: "streaming", description: "rpc test", env });
  serveRpc(
    kit.service,
    RPC.tokenIssue,
    async (req, ctx) => {
      await new Promise((r) => setTimeout(r, 50));
      if (!ctx.accessToken) throw new AppError("unauthorized", "a user token is required");
      if (req.s3_key === "boom.mp4") throw new Error("a bug");
      return { token: "t", stream_url: "/api/v1/stream/t", expires_at: new Date().toISOString() };
    },
    kit.logger,
    kit.metrics,
  );
});

afterAll(async () => {
  await kit?.close();
  await nats?.stop();
});

describe("serveRpc and request", () => {
  it("answers a valid call and carries the user's token", async () => {
    const answer = await request(kit.nc, RPC.tokenIssue, payload(), { accessToken: "abc" });
    expect(answer.stream_url).toBe("/api/v1/stream/t");
  });

  it("maps service errors back to their codes, and a bug to internal", async () => {
    await expect(request(kit.nc, RPC.tokenIssue, payload())).rejects.toMatchObject({
      code: "unauthorized",
      message: "a user token is required",
    });
    const boom = { ...payload(), s3_key: "boom.mp4" };
    await expect(
      request(kit.nc, RPC.tokenIssue, boom, { accessToken: "abc" }),
    ).rejects.toMatchObject({
      code: "internal",
    });
  });

  it("maps no responders to unavailable", async () => {
    await expect(
      request(kit.nc, RPC.mediaCreate, { ...payload(), title: "x" }),
    ).rejects.toMatchObject({
      code: "unavailable",
    });
  });

  it("registers with $SRV: its name, a semver version, its endpoints and the git revision", async () => {
    const infos = [];
    for await (const i of await kit.nc.services.client().info("streaming")) infos.push(i);
    const info = infos.find((i) => i.id === kit.service.info().id);
    expect(info?.name).toBe("streaming");
    expect(info?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info?.endpoints.map((e) => e.subject)).toContain(RPC.tokenIssue.subject);
    const head =
      process.env.GIT_REVISION ??
      execFileSync("git", ["rev-parse", "--short=12", "HEAD"]).toString().trim();
    expect(info?.metadata?.git_revision).toBe(head);
  });

  it("reports honest $SRV stats and request metrics", async () => {
    const [stats] = await collectServiceStats(kit.nc);
    const endpoint = stats?.endpoints.find((e) => e.name === RPC.tokenIssue.endpoint);
    expect(endpoint?.num_requests).toBe(3);
    expect(endpoint?.num_errors).toBe(2);
    expect(endpoint?.last_error).toBe("internal error");
    // Each call waits 50 ms after its first await: the framework alone would count ~0.
    expect(endpoint?.average_processing_time_ms).toBeGreaterThanOrEqual(40);
    const counts = (await kit.metrics.natsDuration.get()).values.filter((v) =>
      v.metricName?.endsWith("_count"),
    );
    const count = (outcome: string) => counts.find((v) => v.labels.outcome === outcome)?.value;
    expect([count("ok"), count("unauthorized"), count("internal")]).toEqual([1, 1, 1]);
  });
});
