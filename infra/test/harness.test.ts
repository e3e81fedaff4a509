import { randomBytes } from "node:crypto";
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { connect, type NatsConnection } from "nats";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startTestNats, type TestNats, testS3 } from "../src/testing/index.ts";

describe("startTestNats", () => {
  let server: TestNats;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startTestNats();
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("serves core NATS and JetStream", async () => {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.getAccountInfo();
    expect(info.limits).toBeDefined();
    await jsm.streams.add({ name: "HARNESS", subjects: ["harness.>"] });
    const ack = await nc.jetstream().publish("harness.hello", new TextEncoder().encode("hi"));
    expect(ack.seq).toBe(1);
  });

  it("exposes the monitoring endpoint", async () => {
    const res = await fetch(`${server.monitorUrl}/jsz`);
    expect(res.status).toBe(200);
  });
});

describe("createTestDatabase", () => {
  it("gives each caller its own database", async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(a).not.toBe(b);
    const sql = postgres(a, { max: 1 });
    try {
      const [row] = await sql`select 1 as one, current_database() as db`;
      expect(row).toEqual({ one: 1, db: new URL(a).pathname.slice(1) });
    } finally {
      await sql.end();
    }
  });
});

describe("testS3", () => {
  it("stores objects byte-exact in per-file buckets", async () => {
    const s3 = testS3();
    const { media, thumbnails } = await s3.createTestBuckets();
    expect(media).toMatch(/^media-/);
    expect(thumbnails).toMatch(/^thumbnails-/);
    const client = new S3Client(s3.clientConfig);
    const body = randomBytes(300_000);
    await client.send(new PutObjectCommand({ Bucket: media, Key: "a.bin", Body: body }));
    const head = await client.send(new HeadObjectCommand({ Bucket: media, Key: "a.bin" }));
    expect(head.ContentLength).toBe(body.length);
    const got = await client.send(new GetObjectCommand({ Bucket: media, Key: "a.bin" }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.equals(body)).toBe(true);
    client.destroy();
  });
});
