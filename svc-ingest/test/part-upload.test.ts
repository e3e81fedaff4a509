import { randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { Readable } from "node:stream";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { testS3 } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PartBuffers } from "../src/s3/part-buffers.ts";
import { uploadInParts } from "../src/s3/part-upload.ts";
import { signWithoutPayloadHash } from "../src/s3/unsigned-payload.ts";

const MiB = 1024 * 1024;
const PART = 5 * MiB;

/**
 * A TCP relay to the S3 server that resets, once, the connection carrying part 2 of a
 * multipart upload after 1 MiB of it: what a dropped pooled connection looks like.
 */
async function resettingRelay(target: URL) {
  let resets = 0;
  const server: Server = createServer((client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    let partTwoBytes = -1;
    client.on("data", (data: Buffer) => {
      if (
        resets === 0 &&
        partTwoBytes < 0 &&
        /PUT [^ ]*partNumber=2[& ]/.test(data.toString("latin1", 0, 400))
      ) {
        partTwoBytes = 0;
      }
      if (partTwoBytes >= 0) partTwoBytes += data.length;
      if (resets === 0 && partTwoBytes > MiB) {
        resets++;
        upstream.destroy();
        client.resetAndDestroy();
        return;
      }
      upstream.write(data);
    });
    upstream.pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    resets: () => resets,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe("uploadInParts against the S3 server", () => {
  let info: ReturnType<typeof testS3>;
  let bucket: string;
  let s3: S3Client;

  beforeAll(async () => {
    info = testS3();
    bucket = (await info.createTestBuckets()).media;
    s3 = new S3Client(info.clientConfig);
  });
  afterAll(() => s3?.destroy());

  it("sends a part again when its connection is reset, and stores the bytes whole", async () => {
    const relay = await resettingRelay(new URL(info.endpoint));
    const viaRelay = new S3Client({ ...info.clientConfig, endpoint: relay.endpoint });
    signWithoutPayloadHash(viaRelay);
    const pool = new PartBuffers(PART, { keepSpare: 3 });
    const bytes = randomBytes(3 * PART + 12345);
    try {
      const body = Readable.from(chunksOf(bytes, 64 * 1024));
      await uploadInParts(
        viaRelay,
        { Bucket: bucket, Key: "reset.mp4", ContentType: "video/mp4" },
        body,
        { pool, queueSize: 2 },
      );
      expect(relay.resets()).toBe(1);
      const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "reset.mp4" }));
      const got = Buffer.from((await stored.Body?.transformToByteArray()) ?? []);
      expect(got.length).toBe(bytes.length);
      expect(got.equals(bytes)).toBe(true);
      expect(pool.counts).toEqual({ inUse: 0, spare: 0, waiting: 0 });
    } finally {
      viaRelay.destroy();
      await relay.close();
    }
  });

  it("gives every buffer back when the source fails mid-upload", async () => {
    const pool = new PartBuffers(PART, { keepSpare: 3 });
    async function* brokenOff() {
      yield* chunksOf(randomBytes(2 * PART + 100), 64 * 1024);
      throw new Error("client went away");
    }
    await expect(
      uploadInParts(
        s3,
        { Bucket: bucket, Key: "broken.mp4", ContentType: "video/mp4" },
        brokenOff(),
        { pool, queueSize: 2 },
      ),
    ).rejects.toThrow("client went away");
    expect(pool.counts).toEqual({ inUse: 0, spare: 0, waiting: 0 });
  });
});

function* chunksOf(bytes: Buffer, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
