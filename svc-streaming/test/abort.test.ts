import http from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { testS3 } from "@streamstack/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type StreamingWorld, startStreamingWorld } from "./support.ts";

/**
 * A TCP relay between the edge and s3rver that counts what S3 sends and sees S3
 * connections close: the only way to observe, from outside, that a client abort
 * really cancels the S3 request.
 */
function startS3Tap(target: URL) {
  const tap = { bytesFromS3: 0, closedConnections: 0, server: undefined as Server | undefined };
  const sockets = new Set<Socket>();
  tap.server = createServer((edgeSide) => {
    const s3Side = connect(Number(target.port), target.hostname);
    sockets.add(edgeSide).add(s3Side);
    s3Side.on("data", (chunk: Buffer) => {
      tap.bytesFromS3 += chunk.length;
    });
    edgeSide.pipe(s3Side).pipe(edgeSide);
    const closeBoth = () => {
      edgeSide.destroy();
      s3Side.destroy();
    };
    edgeSide.once("close", () => {
      tap.closedConnections++;
      closeBoth();
    });
    s3Side.once("close", closeBoth);
    edgeSide.on("error", closeBoth);
    s3Side.on("error", closeBoth);
  });
  return new Promise<typeof tap & { port: number; stop(): Promise<void> }>((resolve) => {
    tap.server?.listen(0, "127.0.0.1", () => {
      const address = tap.server?.address();
      resolve(
        Object.assign(tap, {
          port: typeof address === "object" && address ? address.port : 0,
          stop: () =>
            new Promise<void>((done) => {
              for (const s of sockets) s.destroy();
              tap.server?.close(() => done());
            }),
        }),
      );
    });
  });
}

let world: StreamingWorld;
let tap: Awaited<ReturnType<typeof startS3Tap>>;
beforeAll(async () => {
  world = await startStreamingWorld();
  tap = await startS3Tap(new URL(testS3().endpoint));
});
afterAll(async () => {
  await world?.stop();
  await tap?.stop();
});

const SIZE = 48 * 1024 * 1024;

it("cancels the S3 request when the viewer leaves mid-response, and keeps serving", async () => {
  const { media, body } = await world.putMedia(Buffer.alloc(SIZE, 7));
  const tapped = await world.startEdge({ S3_ENDPOINT: `http://127.0.0.1:${tap.port}` });
  const url = `${tapped.base}${(await world.issue(media)).stream_url}`;

  // Read one chunk of the 48 MiB answer, then hang up.
  await new Promise<void>((resolve, reject) => {
    const req = http.get(url, (res) => {
      expect(res.statusCode).toBe(200);
      res.once("data", () => {
        req.destroy();
        resolve();
      });
    });
    req.on("error", (err) => (req.destroyed ? undefined : reject(err)));
  });
  for (let i = 0; i < 200 && tap.closedConnections === 0; i++) await sleep(25);
  expect(tap.closedConnections).toBe(1); // the edge dropped its S3 connection
  expect(tap.bytesFromS3).toBeLessThan(SIZE / 2); // long before S3 sent it all

  const after = await fetch(url, { headers: { Range: "bytes=1000-1999" } });
  expect(after.status).toBe(206);
  expect(Buffer.from(await after.arrayBuffer()).equals(body.subarray(1000, 2000))).toBe(true);
});
