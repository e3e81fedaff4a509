import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type StreamingWorld, startStreamingWorld } from "./support.ts";

// A 2 s token lifetime (bucket TTL included), so expiry is observable in a test.
let world: StreamingWorld;
beforeAll(async () => {
  world = await startStreamingWorld({ STREAM_TOKEN_TTL_S: "2" });
});
afterAll(() => world?.stop());

it("stops serving a token at its expiry, from cache and from KV alike", async () => {
  const { media } = await world.putMedia();
  const answer = await world.issue(media);
  const expiresAt = Date.parse(answer.expires_at);
  expect(expiresAt - Date.now()).toBeLessThanOrEqual(2000);

  const range = { headers: { Range: "bytes=0-99" } };
  // Served by the issuing replica (cached at issue) and by another (read from KV).
  const other = await world.startEdge();
  expect((await fetch(`${world.base}${answer.stream_url}`, range)).status).toBe(206);
  expect((await fetch(`${other.base}${answer.stream_url}`, range)).status).toBe(206);

  await sleep(Math.max(0, expiresAt - Date.now()) + 50);
  const late = await fetch(`${world.base}${answer.stream_url}`, range);
  expect(late.status).toBe(404);
  expect(((await late.json()) as { error: { code: string } }).error.code).toBe("not_found");
  expect((await fetch(`${other.base}${answer.stream_url}`, range)).status).toBe(404);
  const fresh = await world.startEdge(); // nothing cached: KV decides
  expect((await fetch(`${fresh.base}${answer.stream_url}`, range)).status).toBe(404);
});
