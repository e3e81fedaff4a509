import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type NatsServer, startNats } from "@streamstack/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RPC, request, serveRpc } from "../src/nats/rpc.ts";
import { BaseEnv, parseEnv } from "../src/runtime/config.ts";
import { type ServiceKit, startKit } from "../src/runtime/kit.ts";

// A request made while nats-server restarts: nats.js drops what is written during a
// reconnect, so request() waits for the link and sends then (answered, not a timeout);
// if the link does not come back in time, nothing was sent: `unavailable`, not `timeout`.
let dir: string;
let port: number;
let server: NatsServer | undefined;
let caller: ServiceKit;
let callee: ServiceKit;
const payload = () => ({
  media_id: randomUUID(),
  s3_key: "k.mp4",
  size_bytes: 1,
  content_type: "video/mp4",
});
const startServer = async () => {
  server = await startNats({ dataDir: dir, port, monitorPort: 0 });
};
const kit = (name: "streaming" | "catalogue") =>
  startKit({
    name,
    description: "rpc reconnect test",
    env: parseEnv(BaseEnv, {
      PORT: "0",
      NATS_URL: `nats://127.0.0.1:${port}`,
      LOG_LEVEL: "silent",
    }),
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rpc-reconnect-"));
  port = await freePort();
  await startServer();
  [caller, callee] = await Promise.all([kit("catalogue"), kit("streaming")]);
  serveRpc(
    callee.service,
    RPC.tokenIssue,
    async () => ({
      token: "t",
      stream_url: "/api/v1/stream/t",
      expires_at: new Date().toISOString(),
    }),
    callee.logger,
    callee.metrics,
  );
});
afterAll(async () => {
  await caller?.close();
  await callee?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const disconnected = (k: ServiceKit) =>
  new Promise<void>((resolve) => {
    void (async () => {
      for await (const s of k.nc.status()) if (s.type === "disconnect") return resolve();
    })();
  });

it("a request made while NATS reconnects is sent once it is back, and answered", async () => {
  const down = Promise.all([disconnected(caller), disconnected(callee)]);
  await server?.stop();
  await down;
  const answer = request(caller.nc, RPC.tokenIssue, payload(), { timeoutMs: 30_000 });
  await startServer();
  await expect(answer).resolves.toMatchObject({ stream_url: "/api/v1/stream/t" });
});

it("NATS still down when the time is up: unavailable (nothing was sent)", async () => {
  const down = disconnected(caller);
  await server?.stop();
  await down;
  await expect(
    request(caller.nc, RPC.tokenIssue, payload(), { timeoutMs: 300 }),
  ).rejects.toMatchObject({ code: "unavailable" });
  await startServer();
  await expect(
    request(caller.nc, RPC.tokenIssue, payload(), { timeoutMs: 30_000 }),
  ).resolves.toBeDefined();
});
