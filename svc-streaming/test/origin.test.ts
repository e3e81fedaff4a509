import { randomBytes } from "node:crypto";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "@streamstack/contracts/server";
import { testS3 } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOriginConnections } from "../src/s3/connections.ts";
import { createS3Origin, type OriginResponse } from "../src/s3/origin.ts";

const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const listening = (server: net.Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

/** An HTTP server that relays whatever `get` fetches: the edge's situation, minus the rest. */
async function front(get: (req: http.IncomingMessage) => Promise<OriginResponse>, limit?: number) {
  const server = http.createServer(async (req, res) => {
    const cancellation = { cancelled: false, onCancel: undefined as (() => void) | undefined };
    res.once("close", () => {
      if (!res.writableFinished) {
        cancellation.cancelled = true;
        cancellation.onCancel?.();
      }
    });
    try {
      const up = await get(Object.assign(req, { cancellation }));
      res.writeHead(up.statusCode, { "x-length": up.headers["content-length"] ?? "" });
      up.relay(res, limit ?? Number(up.headers["content-length"] ?? Number.POSITIVE_INFINITY), () =>
        res.destroy(),
      );
    } catch (err) {
      res.writeHead(599).end(String(err));
    }
  });
  const port = await listening(server);
  closers.push(() => new Promise((r) => server.close(r)));
  server.closeIdleConnections();
  return `http://127.0.0.1:${port}`;
}
const cancellationOf = (req: http.IncomingMessage) =>
  (req as unknown as { cancellation: { cancelled: boolean; onCancel: undefined } }).cancellation;

describe("S3 origin against s3rver", () => {
  const body = randomBytes(3 * 1024 * 1024 + 17);
  let bucket: string;
  let s3: S3Client;
  beforeAll(async () => {
    const info = testS3();
    bucket = (await info.createTestBuckets()).media;
    s3 = new S3Client(info.clientConfig);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "clip.mp4", Body: body }));
    closers.push(() => s3.destroy());
  });

  it.each([true, false])(
    "returns the very bytes of each range (raw connections: %s)",
    async (raw) => {
      const info = testS3();
      const client = createS3Client({ ...info, endpoint: info.endpoint });
      const origin = createS3Origin(client, { maxSockets: 8, raw });
      closers.push(
        () => origin.close(),
        () => client.destroy(),
      );
      const base = await front((req) =>
        origin.get(bucket, "clip.mp4", {
          range: req.headers.range ?? "",
          cancellation: cancellationOf(req),
        }),
      );
      for (const [start, end] of [
        [0, 0],
        [1, 1],
        [0, body.length - 1],
        [65_530, 65_545],
        [1_000_000, 2_999_999],
        [body.length - 1, body.length - 1],
      ] as const) {
        const res = await fetch(base, { headers: { range: `bytes=${start}-${end}` } });
        const got = Buffer.from(await res.arrayBuffer());
        // s3rver sends the whole object for bytes=0-0; the limit trims it to what was asked.
        const want = body.subarray(start, Math.min(end, body.length - 1) + 1);
        expect(got.subarray(0, want.length).equals(want), `${start}-${end}`).toBe(true);
      }
    },
  );
});

/**
 * A scripted HTTP/1.1 server: `answer` decides what each request on each connection
 * gets. It counts connections, so reuse is visible.
 */
async function scriptedServer(answer: (conn: number, request: number, socket: net.Socket) => void) {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const conn = ++connections;
    let requests = 0;
    let seen = "";
    sockets.add(socket);
    socket.on("data", (d) => {
      seen += d.toString("latin1");
      while (seen.includes("\r\n\r\n")) {
        seen = seen.slice(seen.indexOf("\r\n\r\n") + 4);
        answer(conn, ++requests, socket);
      }
    });
    socket.on("error", () => undefined);
  });
  const port = await listening(server);
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  return { port, connections: () => connections };
}

describe("raw S3 connections", () => {
  const ok = (socket: net.Socket, text: string) =>
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${text.length}\r\n\r\n${text}`);

  it("reuses one connection for sequential requests", async () => {
    const s3 = await scriptedServer((_c, n, socket) => ok(socket, `answer ${n}`));
    const pool = createOriginConnections({ host: "127.0.0.1", port: s3.port, maxIdle: 4 });
    closers.push(() => pool.close());
    const base = await front((req) => pool.get("/o", [], cancellationOf(req)));
    for (let i = 1; i <= 5; i++) expect(await (await fetch(base)).text()).toBe(`answer ${i}`);
    expect(s3.connections()).toBe(1);
  });

  it("sends a GET again on a fresh connection when a kept one turns out closed", async () => {
    // The second request on each connection finds it closed, as when a server's idle
    // timeout fires just as we reuse it.
    const s3 = await scriptedServer((_c, n, socket) =>
      n === 1 ? ok(socket, "fresh") : socket.destroy(),
    );
    const pool = createOriginConnections({ host: "127.0.0.1", port: s3.port, maxIdle: 4 });
    closers.push(() => pool.close());
    const base = await front((req) => pool.get("/o", [], cancellationOf(req)));
    expect(await (await fetch(base)).text()).toBe("fresh");
    expect(await (await fetch(base)).text()).toBe("fresh");
    expect(s3.connections()).toBe(2);
  });

  it("sends that GET again on a new connection, not on another kept one closing too", async () => {
    // Two connections go idle together; the server closes both (its keep-alive timeout
    // fires for both at once) and the client only learns it by using them.
    const held: net.Socket[] = [];
    const s3 = await scriptedServer((c, n, socket) => {
      if (n > 1) return socket.destroy();
      if (c > 2) return ok(socket, "fresh");
      held.push(socket); // the first two answers wait until both connections exist
      if (held.length === 2) for (const s of held) ok(s, "fresh");
    });
    const pool = createOriginConnections({ host: "127.0.0.1", port: s3.port, maxIdle: 4 });
    closers.push(() => pool.close());
    const base = await front((req) => pool.get("/o", [], cancellationOf(req)));
    const both = await Promise.all([fetch(base), fetch(base)]);
    expect(await Promise.all(both.map((r) => r.text()))).toEqual(["fresh", "fresh"]);
    expect(await (await fetch(base)).text()).toBe("fresh");
    expect(s3.connections()).toBe(3);
  });

  it("does not reuse a connection idle for longer than idleMs, even if its timer is late", async () => {
    const s3 = await scriptedServer((_c, n, socket) => ok(socket, `answer ${n}`));
    const pool = createOriginConnections({
      host: "127.0.0.1",
      port: s3.port,
      maxIdle: 4,
      idleMs: 50,
    });
    closers.push(() => pool.close());
    const request = () => pool.get("/o", [], { cancelled: false, onCancel: undefined });
    const first = await request();
    first.discard(); // body read whole with the head: the connection goes back to the pool
    // A busy event loop: the idle timer cannot fire before the next request takes a connection.
    const until = Date.now() + 100;
    while (Date.now() < until);
    const second = await request();
    second.discard();
    expect(second.statusCode).toBe(200);
    expect(s3.connections()).toBe(2);
  });

  it("keeps a connection whose body was read whole, drops one with unread body", async () => {
    const big = "0123456789".repeat(200_000);
    const s3 = await scriptedServer((_c, n, socket) => ok(socket, n === 1 ? "0123456789" : big));
    const pool = createOriginConnections({ host: "127.0.0.1", port: s3.port, maxIdle: 4 });
    closers.push(() => pool.close());
    const base = await front((req) => pool.get("/o", [], cancellationOf(req)), 4);
    expect(await (await fetch(base)).text()).toBe("0123"); // all 10 bytes came in one read
    expect(await (await fetch(base)).text()).toBe("0123"); // same connection, 2 MB unread
    expect(await (await fetch(base)).text()).toBe("0123");
    expect(s3.connections()).toBe(2);
  });

  // `front` answers chunked (no Content-Length): this also proves a small body split across
  // reads leaves whole and in order on a chunked response (see the relay's batching).
  it("reads a head that arrives in pieces, and a body split across reads", async () => {
    const s3 = await scriptedServer((_c, _n, socket) => {
      const parts = ["HTTP/1.1 20", "0 OK\r\nContent-Le", "ngth: 6\r\n\r", "\nab", "cd", "ef"];
      parts.forEach((p, i) => {
        setTimeout(() => socket.write(p), i * 15);
      });
    });
    const pool = createOriginConnections({ host: "127.0.0.1", port: s3.port, maxIdle: 4 });
    closers.push(() => pool.close());
    const base = await front((req) => pool.get("/o", [], cancellationOf(req)));
    expect(await (await fetch(base)).text()).toBe("abcdef");
  });

  it("fails the request on a response that is not HTTP/1.x", async () => {
    const s3 = await scriptedServer((_c, _n, socket) => socket.write("SSH-2.0-OpenSSH\r\n\r\n"));
    const pool = createOriginConnections({ host: "127.0.0.1", port: s3.port, maxIdle: 4 });
    closers.push(() => pool.close());
    const base = await front((req) => pool.get("/o", [], cancellationOf(req)));
    expect((await fetch(base)).status).toBe(599);
  });

  it("a viewer who leaves after its body was handed over cannot cut the connection's next request", async () => {
    // Request 1's bytes are all written to its response (the connection goes back to the
    // pool) while its viewer is still there: the socket has not flushed them yet. Request 2
    // takes the same connection; its body comes in two parts. Viewer 1 leaves in between.
    const s3 = await scriptedServer((_c, n, socket) => {
      if (n === 1) return ok(socket, "first");
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nsecond");
      setTimeout(() => socket.write(" whole"), 100);
    });
    const pool = createOriginConnections({ host: "127.0.0.1", port: s3.port, maxIdle: 4 });
    closers.push(() => pool.close());
    const viewer1 = { cancelled: false, onCancel: undefined as (() => void) | undefined };
    const first = sink();
    (await pool.get("/o", [], viewer1)).relay(first.res, 5, first.onError);
    expect(await first.done).toBe("first");

    const second = sink();
    (await pool.get("/o", [], { cancelled: false, onCancel: undefined })).relay(
      second.res,
      12,
      second.onError,
    );
    viewer1.cancelled = true; // its socket closed before the last bytes left
    viewer1.onCancel?.();
    expect(await second.done).toBe("second whole");
    expect(s3.connections()).toBe(1);
  });

  it("reports a body that broke off mid-way, and keeps serving", async () => {
    const s3 = await scriptedServer((conn, _n, socket) => {
      if (conn === 1) socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
      else ok(socket, "whole");
    });
    const pool = createOriginConnections({ host: "127.0.0.1", port: s3.port, maxIdle: 4 });
    closers.push(() => pool.close());
    const base = await front((req) => pool.get("/o", [], cancellationOf(req)));
    await expect(fetch(base).then((r) => r.text())).rejects.toThrow();
    expect(await (await fetch(base)).text()).toBe("whole");
  });
});

/** A stand-in ServerResponse that takes every write at once; `done` is the body or the error. */
function sink() {
  let text = "";
  let settle: (v: string) => void = () => undefined;
  const done = new Promise<string>((resolve) => {
    settle = resolve;
  });
  const write = (chunk: Buffer, cb?: () => void) => {
    text += chunk.toString();
    cb?.();
    return true;
  };
  const res = {
    cork() {},
    uncork() {},
    once() {},
    write,
    end(chunk?: Buffer, cb?: () => void) {
      if (chunk) write(chunk, cb);
      settle(text);
    },
  } as unknown as http.ServerResponse;
  return { res, done, onError: (err: Error) => settle(`error: ${err.message}`) };
}
