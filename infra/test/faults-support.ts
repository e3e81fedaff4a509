// What the fault tests (faults-*.test.ts) do to a whole stack from outside: log in, upload
// with a paced body, list the catalogue as admin, read the media bucket and the event stream.
import { request as httpRequest } from "node:http";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { ErrorBodySchema, type MediaItem } from "@streamstack/contracts";
import { expect } from "vitest";
import type { ServiceName } from "../src/service-env.ts";
import { s3ClientConfig, type TestStack } from "../src/testing/index.ts";
import { catalogueEvents, login as platformLogin } from "../src/testing/platform.ts";

export interface Answer {
  status: number;
  body: unknown;
  text: string;
  contentType: string;
}

export async function call(url: string, init: RequestInit & { token?: string } = {}) {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(url, { ...rest, headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, contentType: res.headers.get("content-type") ?? "" };
}

/** An error answer in the one documented shape `{error: {code, message, details?}}`, as JSON. */
export function expectErrorShape(a: Answer, what: string) {
  expect(a.contentType, `${what}: ${a.status} ${a.text.slice(0, 200)}`).toMatch(
    /^application\/json/,
  );
  return ErrorBodySchema.parse(a.body);
}

/** Logs in at the stack's auth (the admin by default); returns the access token. */
export const login = (stack: TestStack, who = stack.admin) =>
  platformLogin(stack.services.auth.url, who);

export const readyz = async (stack: TestStack, name: ServiceName) => {
  try {
    return await call(`${stack.services[name].url}/readyz`);
  } catch (err) {
    return { status: 0, body: undefined, text: String(err), contentType: "" };
  }
};

/** Every item the catalogue holds, whatever its status (admin view, all pages). */
export async function allItems(stack: TestStack, token: string): Promise<MediaItem[]> {
  const items: MediaItem[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ status: "all", limit: "100", ...(cursor && { cursor }) });
    const a = await call(`${stack.services.catalogue.url}/api/v1/catalogue?${q}`, { token });
    expect(a.status, a.text).toBe(200);
    const page = a.body as { items: MediaItem[]; next_cursor: string | null };
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** Keys of every object in the stack's media bucket. */
export async function mediaObjects(stack: TestStack): Promise<string[]> {
  const s3 = new S3Client(s3ClientConfig(stack.s3));
  const keys: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: stack.s3.buckets.media, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    s3.destroy();
  }
  return keys;
}

/** media id → how many `published` events CATALOGUE_EVENTS holds for it (read as the integrator). */
export async function publishedEventCounts(stack: TestStack): Promise<Map<string, number>> {
  const integrator = stack.nats.users?.integrator;
  if (!integrator) throw new Error("the stack has no NATS users");
  const counts = new Map<string, number>();
  for (const { event } of await catalogueEvents(stack.nats.url, integrator)) {
    if (event.type === "media.published") {
      counts.set(event.media.id, (counts.get(event.media.id) ?? 0) + 1);
    }
  }
  return counts;
}

export type UploadOutcome =
  | { kind: "answer"; status: number; body: unknown; text: string; contentType: string; at: number }
  | { kind: "dropped"; error: string; at: number };

/**
 * `POST /upload` as curl would send it (multipart, Content-Length known), but the last
 * bytes of the file wait for `release`: the test decides when each upload reaches the
 * hand-off. Resolves with the answer, or with `dropped` if the connection ended without one.
 */
export function pacedUpload(
  ingestUrl: string,
  token: string,
  file: Buffer,
  opts: { title: string; release: Promise<void> },
): Promise<UploadOutcome> {
  const boundary = "----faults-test-boundary-7MA4YWxkTrZu0gW";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${opts.title}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.mp4"\r\n` +
      "Content-Type: video/mp4\r\n\r\n",
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const split = Math.floor(file.length / 2);
  return new Promise((resolve) => {
    const req = httpRequest(`${ingestUrl}/api/v1/ingest/upload`, {
      method: "POST",
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": String(head.length + file.length + tail.length),
      },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (err) => resolve({ kind: "dropped", error: String(err), at: Date.now() }));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const contentType = String(res.headers["content-type"] ?? "");
        resolve({
          kind: "answer",
          status: res.statusCode ?? 0,
          body,
          text,
          contentType,
          at: Date.now(),
        });
      });
    });
    req.on("error", (err) => resolve({ kind: "dropped", error: String(err), at: Date.now() }));
    req.write(head);
    req.write(file.subarray(0, split));
    void opts.release.then(() => req.end(Buffer.concat([file.subarray(split), tail])));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
