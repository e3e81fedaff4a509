import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getRequestHead, headEnd, MalformedResponse, parseResponseHead } from "./http1.ts";

describe("parseResponseHead", () => {
  it("reads status, lower-cased fields and the body length", () => {
    const head = parseResponseHead(
      'HTTP/1.1 206 Partial Content\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/100\r\nETag: "x"',
    );
    expect(head).toEqual({
      status: 206,
      headers: { "content-length": "10", "content-range": "bytes 0-9/100", etag: '"x"' },
      bodyLength: 10,
      reusable: true,
    });
  });

  it("knows which answers have no body", () => {
    expect(parseResponseHead('HTTP/1.1 304 Not Modified\r\nETag: "x"').bodyLength).toBe(0);
    expect(parseResponseHead("HTTP/1.1 204 No Content").bodyLength).toBe(0);
    expect(parseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 5", "HEAD").bodyLength).toBe(0);
  });

  it("does not reuse a connection that is closing or has no length", () => {
    expect(
      parseResponseHead("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1").reusable,
    ).toBe(false);
    expect(parseResponseHead("HTTP/1.0 200 OK\r\nContent-Length: 1").reusable).toBe(false);
    expect(
      parseResponseHead("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1").reusable,
    ).toBe(true);
    const open = parseResponseHead("HTTP/1.1 200 OK");
    expect(open).toMatchObject({ bodyLength: undefined, reusable: false });
  });

  it.each([
    "HTTP/2 200",
    "ICY 200 OK",
    "HTTP/1.1 20 OK",
    "HTTP/1.1 200 OK\r\nno colon here",
    "HTTP/1.1 200 OK\r\nContent-Length: -1",
    "HTTP/1.1 200 OK\r\nContent-Length: 1, 1",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked",
  ])("refuses %j", (text) => {
    expect(() => parseResponseHead(text)).toThrow(MalformedResponse);
  });

  it("round-trips any set of fields a server sends", () => {
    const name = fc
      .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/)
      .filter(
        (n) => !["content-length", "transfer-encoding", "connection"].includes(n.toLowerCase()),
      );
    const value = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,40}[\x21-\x7e])?$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n.toLowerCase() }),
        fc.nat(),
        (fields, length) => {
          const text = [
            "HTTP/1.1 200 OK",
            `Content-Length: ${length}`,
            ...fields.map(([n, v]) => `${n}: ${v}`),
          ].join("\r\n");
          const head = parseResponseHead(text);
          expect(head.bodyLength).toBe(length);
          for (const [n, v] of fields) expect(head.headers[n.toLowerCase()]).toBe(v);
        },
      ),
    );
  });
});

describe("headEnd", () => {
  it("finds the end of the head, wherever the bytes were cut", () => {
    const bytes = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    expect(headEnd(bytes)).toBe(bytes.length - 2);
    expect(headEnd(bytes.subarray(0, bytes.length - 3))).toBe(-1);
  });
});

describe("getRequestHead", () => {
  it("writes a GET with Host and the given fields", () => {
    expect(getRequestHead("/b/k?X-Amz-Signature=s", "s3:9000", [["Range", "bytes=0-9"]])).toBe(
      "GET /b/k?X-Amz-Signature=s HTTP/1.1\r\nHost: s3:9000\r\nRange: bytes=0-9\r\n\r\n",
    );
  });
  it("refuses header injection", () => {
    expect(() => getRequestHead("/", "h", [["If-None-Match", '"a"\r\nX-Evil: 1']])).toThrow(
      TypeError,
    );
  });
});
