import { randomBytes, randomUUID } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { ErrorBody } from "@streamstack/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StreamingWorld, startStreamingWorld } from "./support.ts";

let world: StreamingWorld;
const mediaId = randomUUID();
// Not a decodable picture, but the edge relays bytes; it never looks inside.
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(20_000)]);

beforeAll(async () => {
  world = await startStreamingWorld();
  await world.s3.send(
    new PutObjectCommand({
      Bucket: world.buckets.thumbnails,
      Key: `${mediaId}.jpg`,
      Body: jpeg,
      ContentType: "image/jpeg",
    }),
  );
});
afterAll(() => world?.stop());

const thumbUrl = (id: string) => `${world.base}/api/v1/stream/thumbnails/${id}.jpg`;

describe("GET /api/v1/stream/thumbnails/{media_id}.jpg", () => {
  it("serves the JPEG without a token, cacheable by browsers", async () => {
    const res = await fetch(thumbUrl(mediaId));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.headers.get("content-length")).toBe(String(jpeg.length));
    expect(res.headers.get("etag")).toMatch(/^"[^"]+"$/);
    expect(Buffer.from(await res.arrayBuffer()).equals(jpeg)).toBe(true);
  });

  it("revalidates with 304 and no body when the ETag still matches", async () => {
    const etag = (await fetch(thumbUrl(mediaId), { method: "HEAD" })).headers.get("etag") ?? "";
    const again = await fetch(thumbUrl(mediaId), { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("cache-control")).toBe("public, max-age=300");
    expect((await again.arrayBuffer()).byteLength).toBe(0);

    const changed = await fetch(thumbUrl(mediaId), { headers: { "If-None-Match": '"old"' } });
    expect(changed.status).toBe(200);
    expect((await changed.arrayBuffer()).byteLength).toBe(jpeg.length);
  });

  it("answers HEAD with the headers only", async () => {
    const res = await fetch(thumbUrl(mediaId), { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(jpeg.length));
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it("answers 404 JSON for media without a thumbnail and for names that are no media id", async () => {
    for (const id of [randomUUID(), "not-a-uuid", "../media/x"]) {
      const res = await fetch(thumbUrl(id));
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe("not_found");
    }
  });
});
