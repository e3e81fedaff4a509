import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { eventually } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StreamingWorld, startStreamingWorld } from "./support.ts";

// `streaming_bytes_served_total{kind}` counts body bytes the clients' sockets took:
// whole answers, ranges, thumbnails, and the part of an answer a viewer abandoned.

let world: StreamingWorld;
beforeAll(async () => {
  world = await startStreamingWorld();
});
afterAll(() => world?.stop());

async function served(kind: "media" | "thumbnail"): Promise<number> {
  const text = await (await fetch(`${world.base}/metrics`)).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith("streaming_bytes_served_total{") && l.includes(`kind="${kind}"`));
  if (!line) throw new Error(`no streaming_bytes_served_total for ${kind}:\n${text}`);
  return Number(line.split(" ").pop());
}

/** Waits until the counter stops moving (a response's last write callback may trail it). */
async function settled(kind: "media" | "thumbnail", atLeast: number): Promise<number> {
  let last = -1;
  return eventually(async () => {
    const now = await served(kind);
    const stable = now === last && now >= atLeast;
    last = now;
    return stable ? now : undefined;
  }, `bytes served (${kind}) to settle`);
}

describe("bytes served", () => {
  it("counts a whole video, a range, nothing for HEAD, under kind=media", async () => {
    const { media, body } = await world.putMedia(randomBytes(700_000));
    const url = `${world.base}${(await world.issue(media)).stream_url}`;
    const before = await settled("media", 0);

    const whole = await fetch(url);
    expect(Buffer.from(await whole.arrayBuffer()).equals(body)).toBe(true);
    const afterWhole = await settled("media", before + body.length);
    expect(afterWhole - before).toBe(body.length);

    const range = await fetch(url, { headers: { Range: "bytes=1000-1999" } });
    expect(range.status).toBe(206);
    expect((await range.arrayBuffer()).byteLength).toBe(1000);
    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect((await settled("media", afterWhole + 1000)) - afterWhole).toBe(1000);
  });

  it("counts thumbnails under kind=thumbnail, and a 304 as no bytes", async () => {
    const id = randomUUID();
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(30_000)]);
    await world.s3.send(
      new PutObjectCommand({
        Bucket: world.buckets.thumbnails,
        Key: `${id}.jpg`,
        Body: jpeg,
        ContentType: "image/jpeg",
      }),
    );
    const url = `${world.base}/api/v1/stream/thumbnails/${id}.jpg`;
    const media = await settled("media", 0);
    const before = await settled("thumbnail", 0);
    const res = await fetch(url);
    expect((await res.arrayBuffer()).byteLength).toBe(jpeg.length);
    const after = await settled("thumbnail", before + jpeg.length);
    expect(after - before).toBe(jpeg.length);

    const etag = res.headers.get("etag") ?? "";
    const again = await fetch(url, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await settled("thumbnail", after)).toBe(after);
    expect(await settled("media", media)).toBe(media);
  });

  it("counts the part of an answer a viewer walked away from, not the whole", async () => {
    const size = 48 * 1024 * 1024;
    const { media } = await world.putMedia(Buffer.alloc(size, 3));
    const url = `${world.base}${(await world.issue(media)).stream_url}`;
    const before = await settled("media", 0);
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url, (res) => {
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received >= 256 * 1024) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on("error", (err) => (req.destroyed ? undefined : reject(err)));
    });
    const partial = (await settled("media", before + received)) - before;
    // At least what reached us, at most what fits in socket buffers on the way: never
    // the 48 MiB the answer announced.
    expect(partial).toBeGreaterThanOrEqual(received);
    expect(partial).toBeLessThan(size / 2);
  });
});
