import { afterAll, beforeAll, expect, it } from "vitest";
import { type StreamingWorld, startStreamingWorld } from "./support.ts";

let world: StreamingWorld;
beforeAll(async () => {
  world = await startStreamingWorld();
});
afterAll(() => world?.stop());

/** Messages each streaming replica has published to NATS, by connection id (server's view). */
async function streamingPublishes(): Promise<Map<number, number>> {
  const res = await fetch(`${world.nats.monitorUrl}/connz?limit=1000`);
  const { connections } = (await res.json()) as {
    connections: { cid: number; name?: string; in_msgs: number }[];
  };
  return new Map(connections.filter((c) => c.name === "streaming").map((c) => [c.cid, c.in_msgs]));
}

async function playFor(base: string, streamUrl: string, requests: number) {
  for (let i = 0; i < requests; i++) {
    const res = await fetch(`${base}${streamUrl}`, {
      headers: { Range: `bytes=${i * 1000}-${i * 1000 + 999}` },
    });
    expect(res.status).toBe(206);
    await res.arrayBuffer();
  }
}

it("serves a playing video's range requests without a NATS round trip each", async () => {
  const { media } = await world.putMedia();
  const { stream_url } = await world.issue(media);
  const other = await world.startEdge(); // has never seen the token

  const before = await streamingPublishes();
  await playFor(world.base, stream_url, 50);
  await playFor(other.base, stream_url, 50);
  const after = await streamingPublishes();

  expect(after.size).toBe(2);
  const published = [...after].map(([cid, n]) => n - (before.get(cid) ?? 0));
  // The issuing replica cached the token when issuing it; the other read KV once.
  expect(published.sort()).toEqual([0, 1]);
});
