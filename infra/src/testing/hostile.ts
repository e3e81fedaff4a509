// Hostile input for the "bad input at every edge" tests (issue 7): one set of arbitraries
// and raw-wire helpers shared by every service's hostile-input.test.ts.
import { createHmac, createPublicKey, KeyObject, randomUUID } from "node:crypto";
import { connect } from "node:net";
import { ErrorBodySchema } from "@streamstack/contracts";
import {
  BUCKETS,
  contextHeaders,
  HEADER,
  type NatsConnection,
  openBucket,
  revokedJtiKey,
} from "@streamstack/contracts/server";
import fc from "fast-check";
import { generateKeyPair, SignJWT } from "jose";
import { expect } from "vitest";
import type { TestIssuer } from "./issuer.ts";

const utf8 = new TextEncoder();
const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Byte sequences no UTF-8 decoder may accept: bad continuations, overlongs, surrogates, > U+10FFFF. */
export const INVALID_UTF8: readonly Uint8Array[] = [
  [0xc3, 0x28], // 2-byte lead, ASCII follows
  [0xff],
  [0xfe, 0xfe],
  [0x80], // lone continuation
  [0xc0, 0xaf], // overlong "/"
  [0xe0, 0x80, 0xaf], // overlong "/"
  [0xed, 0xa0, 0x80], // UTF-16 surrogate
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0xe2, 0x82], // truncated "€"
].map((b) => Uint8Array.from(b));

/** Bytes that are almost text: printable runs with invalid UTF-8 sequences in between. */
export const invalidUtf8Bytes: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.constantFrom(...INVALID_UTF8),
        fc.string().map((s) => utf8.encode(s)),
      ),
      {
        maxLength: 6,
      },
    ),
    fc.constantFrom(...INVALID_UTF8),
  )
  .map(([parts, bad]) => concat([...parts, bad]));

/** Every byte as `%XX`, so the bytes survive a URL unchanged. */
export const percentEncode = (bytes: Uint8Array) =>
  [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

/** Percent-encodings that decode to invalid UTF-8, or are not percent-encodings at all. */
export const badPercentEncoding: fc.Arbitrary<string> = fc.oneof(
  invalidUtf8Bytes.map(percentEncode),
  fc.constantFrom("%C3%28", "%FF", "%", "%%", "%G1", "%2", "%u0041", "%00", "a%00b", "%E2%82"),
);

/** Path traversal and smuggling, as it would appear in an id or token path segment. */
export const traversal: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "..%2F..%2Fetc%2Fpasswd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%252F..%252Fetc%252Fpasswd",
    "..%5C..%5Cwindows%5Cwin.ini",
    "..%c0%af..%c0%afetc%c0%afpasswd",
    "%2e%2e",
    "..",
    ".",
    "%00",
    "etc%2Fpasswd%00.jpg",
    "....%2F%2F....%2F%2Fetc%2Fpasswd",
    "%2F%2Fevil.example%2F",
  ),
  fc.uuid().map((id) => `${id}%00`),
  fc.uuid().map((id) => `${id}%2F..%2F${randomUUID()}`),
  fc.uuid().map((id) => `..%2F${id}`),
);

/** Text that breaks naive SQL or tsquery building (quotes, comments, operators, wildcards). */
export const sqlMeta: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "'",
    "''",
    "' OR '1'='1",
    "'; DROP TABLE media_items; --",
    "1; SELECT pg_sleep(10)",
    '"',
    "\\",
    "\\'",
    "%",
    "_",
    "%_%",
    "$$",
    "/*",
    "*/",
    "--",
    ":*",
    "a:* & !b | (c <-> d)",
    "!",
    "&",
    "|",
    "()",
    "<->",
    "'):*",
    "E'\\x00'",
    "\u0000",
    "a\u0000b",
  ),
  fc
    .array(
      fc.constantFrom(
        "'",
        '"',
        "\\",
        "%",
        "_",
        ":",
        "*",
        "&",
        "|",
        "!",
        "(",
        ")",
        "<",
        ">",
        "-",
        ";",
        "word",
        " ",
      ),
      {
        minLength: 1,
        maxLength: 12,
      },
    )
    .map((parts) => parts.join("")),
);

/** A long run of one character, `min`..`max` long. */
export const hugeText = (min = 1_000, max = 6_000) =>
  fc
    .tuple(fc.integer({ min, max }), fc.constantFrom("a", "'", "%", "é", "\u{1F600}"))
    .map(([n, c]) => c.repeat(n));

/** Any of the above as plain text (to be encoded by the sender), plus arbitrary strings. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }), // lone surrogates and other oddities
  sqlMeta,
  hugeText(),
  fc.constantFrom("", " ", "\t", "\r\n", "0", "-1", "1e309", "NaN", "null", "[]", "{}"),
);

/**
 * A value for a query parameter as it goes on the wire: properly encoded hostile text,
 * invalid percent-encodings, raw traversal or SQL metacharacters (URL-safe ones kept raw).
 * Sizes stay below Node's 16 KiB header limit (tests send the oversized case on purpose).
 */
export const hostileQueryValue: fc.Arbitrary<string> = fc.oneof(
  // At most 3000 characters: past Node's 16 KiB header limit the server itself answers 431
  // before any route runs (cutting may split an escape: one more bad encoding).
  hostileText.map((s) => encodeURIComponent(s).slice(0, 3000)),
  badPercentEncoding,
  traversal,
  sqlMeta.map((s) => s.replace(/[^\w.~!*'()-]/g, (ch) => encodeURIComponent(ch))),
);

/** `Range` header values that no edge may choke on (the bytes go on the wire as written). */
export const absurdRange: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.bigInt({ min: 2n ** 53n, max: 10n ** 40n }), fc.bigInt({ min: 0n, max: 10n ** 40n }))
    .chain(([a, b]) =>
      fc.constantFrom(
        `bytes=${a}-${b}`,
        `bytes=${a}-`,
        `bytes=-${a}`,
        `bytes=${b}-${a}`,
        `bytes=0-${a}`,
      ),
    ),
  fc.constantFrom(
    "bytes=--1",
    "bytes=-0",
    "bytes=-5-10",
    "bytes=5--1",
    "bytes=-1-",
    "bytes=",
    "bytes=-",
    "bytes",
    "bytes=1e3-2e3",
    "bytes=0x10-0x20",
    "bytes=1.5-2",
    "bytes=+1-2",
    "bytes=0-1;",
    "bytes=0-1,",
    "bytes=,",
    "bytes=0-0,-1",
    "items=0-1",
    "bytes 0-1",
    "BYTES=0-1",
    "bytes=\t0-1",
    "bytes=０-１", // full-width digits
    "bytes=٠-١", // Arabic-Indic digits
    "bytes=0-1\u00a0",
    "bytes=99999999999999999999999999999999999999999999999999999999999999999999999999999-",
  ),
  fc
    .integer({ min: 2, max: 1_000 })
    .map((n) => `bytes=${Array.from({ length: n }, (_, i) => `${i * 2}-${i * 2 + 1}`).join(",")}`),
  fc.string({ maxLength: 40 }).map((s) => `bytes=${s}`),
);

/** Payloads for a NATS handler: empty, invalid UTF-8, not JSON, JSON of any shape, huge. */
export const garbagePayload: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(new Uint8Array()),
  invalidUtf8Bytes,
  fc.uint8Array({ maxLength: 64 }),
  fc.string().map((s) => utf8.encode(s)),
  fc.jsonValue().map((v) => utf8.encode(JSON.stringify(v))),
  fc
    .integer({ min: 100_000, max: 600_000 })
    .map((n) => utf8.encode(JSON.stringify({ media_id: "a".repeat(n) }))),
);

/**
 * Objects shaped like `valid` with hostile values: each key kept, dropped, or given
 * arbitrary JSON or hostile text — wrong types and wrong values, not just wrong shapes.
 */
export function almost<T extends Record<string, unknown>>(
  valid: T,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(
    Object.entries(valid).map(([k, v]) => [
      k,
      fc.oneof(
        fc.constant(v),
        fc.jsonValue(),
        hostileText,
        traversal,
        fc.constantFrom(-1, 1.5, 2 ** 64, null, true),
      ),
    ]),
  );
  return fc.record(fields, { requiredKeys: [] });
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One HTTP/1.1 exchange over a bare socket, bytes exactly as given (fetch and node:http
 * refuse or rewrite what hostile clients send: raw `..`, invalid UTF-8, NUL, odd headers).
 * `head` is the request line plus header lines, without the blank line.
 */
export function sendRaw(
  port: number,
  head: string | Uint8Array,
  body: Uint8Array = new Uint8Array(),
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("end", () => {
      try {
        resolve(parseRawAnswer(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      } finally {
        socket.destroy();
      }
    });
    const headBytes = typeof head === "string" ? Buffer.from(head, "latin1") : Buffer.from(head);
    socket.write(
      Buffer.concat([
        headBytes,
        Buffer.from(
          `\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`,
        ),
        body,
      ]),
    );
  });
}

function parseRawAnswer(raw: Buffer): RawAnswer {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0)
    throw new Error(`no complete HTTP answer: ${raw.subarray(0, 200).toString("latin1")}`);
  const [statusLine = "", ...lines] = raw.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) body = dechunk(body);
  return { status, headers, body };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = Number.parseInt(data.subarray(at, eol).toString(), 16);
    if (!size) break;
    out.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Access tokens an attacker can make, each of which every guarded route must answer
 * with 401: `alg: none`, HS256 keyed with the public key, expired, wrong issuer, unknown
 * `kid`, our `kid` with a stranger's key, a tampered payload, a revoked `jti`, junk.
 * All claim the admin role. Revocation goes to KV `revoked-tokens` as auth writes it.
 */
export async function forgedAccessTokens(
  issuer: TestIssuer,
  nc: NatsConnection,
): Promise<Array<{ attack: string; token: string }>> {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: randomUUID(),
    role: "admin",
    jti: randomUUID(),
    iat: now,
    exp: now + 600,
    iss: "streamstack",
  };
  const publicPem = createPublicKey(KeyObject.from(issuer.privateKey))
    .export({ type: "spki", format: "pem" })
    .toString();
  const stranger = (await generateKeyPair("RS256")).privateKey;
  const sign = (key: TestIssuer["privateKey"], kid: string, extra: Record<string, unknown> = {}) =>
    new SignJWT({ ...claims, jti: randomUUID(), ...extra })
      .setProtectedHeader({ alg: "RS256", kid })
      .sign(key);
  const hs256 = (() => {
    const input = `${b64({ alg: "HS256", typ: "JWT", kid: issuer.kid })}.${b64(claims)}`;
    return `${input}.${createHmac("sha256", publicPem).update(input).digest("base64url")}`;
  })();
  const genuine = await sign(issuer.privateKey, issuer.kid);
  const [h, , s] = genuine.split(".");
  const revokedJti = randomUUID();
  const revoked = await sign(issuer.privateKey, issuer.kid, { jti: revokedJti });
  const kv = await openBucket(nc, BUCKETS.revokedTokens, { replicas: 1 });
  await kv.put(
    revokedJtiKey(revokedJti),
    JSON.stringify({
      revoked_at: new Date().toISOString(),
      expires_at: new Date((now + 600) * 1000).toISOString(),
      reason: "admin",
    }),
  );
  return [
    {
      attack: "alg none",
      token: `${b64({ alg: "none", typ: "JWT", kid: issuer.kid })}.${b64(claims)}.`,
    },
    { attack: "HS256 keyed with the public key", token: hs256 },
    {
      attack: "expired",
      token: await sign(issuer.privateKey, issuer.kid, {
        iat: now - 7200,
        exp: now - 3600,
      }),
    },
    {
      attack: "wrong issuer",
      token: await sign(issuer.privateKey, issuer.kid, { iss: "evil" }),
    },
    { attack: "unknown kid", token: await sign(stranger, "unknown-kid") },
    { attack: "our kid, stranger's key", token: await sign(stranger, issuer.kid) },
    { attack: "tampered payload", token: `${h}.${b64({ ...claims, sub: randomUUID() })}.${s}` },
    { attack: "revoked jti", token: revoked },
    { attack: "junk", token: "a.b.c" },
    { attack: "huge", token: `${"A".repeat(6000)}.${"B".repeat(6000)}.C` },
  ];
}

/**
 * Asserts an HTTP answer is documented: its status is one of `allowed`, and an error
 * carries the one JSON error body (`{error: {code, message, details?}}`).
 */
export function expectDocumented(answer: RawAnswer, allowed: readonly number[], what = "") {
  const text = answer.body.subarray(0, 300).toString();
  expect(allowed, `${what} answered ${answer.status} ${text}`).toContain(answer.status);
  if (answer.status < 400) return;
  expect(answer.headers["content-type"], `${what}: error content type`).toMatch(
    /^application\/json/,
  );
  ErrorBodySchema.parse(JSON.parse(answer.body.toString()));
}

export interface RawReply {
  /** The service error code (an HTTP-like status), undefined for a success. */
  code: number | undefined;
  message: string | undefined;
  data: Uint8Array;
}

/** A NATS request with raw bytes (no client-side validation, unlike `request`). */
export async function requestRaw(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  ctx: { accessToken?: string } = {},
): Promise<RawReply> {
  const reply = await nc.request(subject, data, { timeout: 10_000, headers: contextHeaders(ctx) });
  const code = reply.headers?.get(HEADER.serviceErrorCode);
  return {
    code: code ? Number(code) : undefined,
    message: reply.headers?.get(HEADER.serviceError) || undefined,
    data: reply.data,
  };
}
