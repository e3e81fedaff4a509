// What the fault tests (faults-*.test.ts) do to a whole stack from outside: log in, upload
// with a paced body, list the catalogue as admin, read the media bucket and the event stream.
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { ErrorBodySchema, type MediaItem } from "@streamstack/contracts";
import { expect } from "vitest";
import type { ServiceName } from "../src/service-env.ts";
import { s3ClientConfig, type TestStack } from "../src/testing/index.ts";
import {
  catalogueEvents,
  login as platformLogin,
  type RawUploadOutcome,
  rawMultipartUpload,
} from "../src/testing/platform.ts";

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

export type UploadOutcome = RawUploadOutcome;

/**
 * `POST /upload` as curl would send it (multipart, Content-Length known), but the second
 * half of the file waits for `release`: the test decides when each upload reaches the
 * hand-off. Resolves with the answer, or with `dropped` if the connection ended without one.
 */
export function pacedUpload(
  ingestUrl: string,
  token: string,
  file: Buffer,
  opts: { title: string; release: Promise<void> },
): Promise<UploadOutcome> {
  const split = Math.floor(file.length / 2);
  return rawMultipartUpload(`${ingestUrl}/api/v1/ingest/upload`, token, {
    title: opts.title,
    filename: "clip.mp4",
    fileBytes: file.length,
    async sendFile(write) {
      await write(file.subarray(0, split));
      await opts.release;
      await write(file.subarray(split));
    },
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
