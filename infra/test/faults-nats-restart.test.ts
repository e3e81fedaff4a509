// Issue 7, faults: nats-server restarts (kill -9, then a graceful stop) while 50 uploads are
// being accepted. The five services run as real processes against an own nats-server with
// the contracts' per-service users; nothing in the services is told about the restart.
import { generateKeyPairSync } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { MediaItem } from "@streamstack/contracts";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMediaKey } from "../../svc-ingest/src/domain/media-key.ts";
import { SERVICES } from "../src/service-env.ts";
import { eventually, makeMp4, startTestStack, type TestStack } from "../src/testing/index.ts";
import { keepLogs } from "../src/testing/platform.ts";
import {
  allItems,
  call,
  expectErrorShape,
  login,
  mediaObjects,
  pacedUpload,
  publishedEventCounts,
  readyz,
  sleep,
  type UploadOutcome,
} from "./faults-support.ts";

const UPLOADS = 50;
let stack: TestStack;
let mp4: Buffer;
let admin: string;

beforeAll(async () => {
  [stack, mp4] = await Promise.all([
    startTestStack({
      // The reconciler finishes hand-offs the outage interrupted: run it often in this test.
      env: { ingest: { RECONCILE_INTERVAL_MS: "2000", RECONCILE_GRACE_MS: "10000" } },
      logLevel: "info",
    }),
    makeMp4({ seconds: 1, size: "160x120" }),
  ]);
  admin = await login(stack);
}, 300_000); // five services start under tsx: slow on a loaded machine
afterAll(async () => {
  await keepLogs(stack, "faults-nats-restart");
  await stack?.stop();
});

/** Every service's /readyz answers 200 again, by itself; returns how long that took. */
async function allReady(since: number): Promise<number> {
  for (const name of SERVICES) {
    await eventually(
      async () => (await readyz(stack, name)).status === 200,
      `${name} /readyz 200 after the restart`,
      60_000,
    );
  }
  return Date.now() - since;
}

/** Waits until no item is `processing` and no hand-off marker is left; returns the items. */
async function settled(): Promise<MediaItem[]> {
  return eventually(
    async () => {
      const items = await allItems(stack, admin);
      if (items.some((i) => i.status === "processing")) return undefined;
      const keys = await mediaObjects(stack);
      return keys.some((k) => k.startsWith("_ingest/")) ? undefined : items;
    },
    "every item published or failed, every hand-off finished",
    240_000,
  );
}

async function freshUploadPublishes(title: string): Promise<void> {
  const a = await pacedUpload(stack.services.ingest.url, admin, mp4, {
    title,
    release: Promise.resolve(),
  });
  expect(a.kind === "answer" && a.status, JSON.stringify(a)).toBe(202);
  const id = ((a as { body: { media_id: string } }).body as { media_id: string }).media_id;
  await eventually(
    async () => {
      const r = await call(`${stack.services.catalogue.url}/api/v1/catalogue/${id}`, {
        token: admin,
      });
      return (r.body as MediaItem | undefined)?.status === "published";
    },
    `fresh upload ${title} published`,
    120_000,
  );
}

describe.each([
  { how: "kill" as const, label: "kill -9" },
  { how: "stop" as const, label: "graceful stop" },
])(`nats-server restart ($label) while ${UPLOADS} uploads are being accepted`, ({ how, label }) => {
  it("every 202 ends published or failed with a reason; nothing orphaned, nothing doubled; services reconnect by themselves", async () => {
    const t0 = Date.now();
    const releases: (() => void)[] = [];
    const uploads = Array.from({ length: UPLOADS }, (_, i) =>
      pacedUpload(stack.services.ingest.url, admin, mp4, {
        title: `${label} upload ${i}`,
        release: new Promise<void>((r) => releases.push(r)),
      }),
    );
    let answered = 0;
    for (const u of uploads) void u.then(() => answered++);
    // The uploads reach the hand-off one after another, so the outage falls among them.
    const releasing = (async () => {
      for (const release of releases) {
        release();
        await sleep(60);
      }
    })();

    await eventually(() => answered >= 12, "a dozen uploads answered", 120_000);
    const downAt = Date.now();
    await stack.nats[how]?.();
    await sleep(1500); // the outage: uploads keep reaching the hand-off meanwhile
    await stack.nats.start?.();
    const upAt = Date.now();
    const outcomes: UploadOutcome[] = await Promise.all(uploads);
    await releasing;

    // The restart overlapped the uploads: some were answered before it, some after.
    expect(outcomes.filter((o) => o.at < downAt).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.at > downAt).length).toBeGreaterThan(0);

    const statuses = new Map<string, number>();
    const accepted: string[] = [];
    const keptForLater: string[] = []; // 503/504 with details.media_id: recorded later
    for (const o of outcomes) {
      expect(o.kind, JSON.stringify(o)).toBe("answer");
      if (o.kind !== "answer") continue;
      statuses.set(String(o.status), (statuses.get(String(o.status)) ?? 0) + 1);
      if (o.status === 202) {
        accepted.push((o.body as { media_id: string }).media_id);
        continue;
      }
      // Documented refusals of the hand-off (svc-ingest README): 503 unavailable, 504 timeout.
      expect([503, 504], o.text).toContain(o.status);
      const { error } = expectErrorShape(o, "upload during the outage");
      const mediaId = (error.details as { media_id?: string } | undefined)?.media_id;
      if (mediaId) keptForLater.push(mediaId);
    }

    const readyAfterMs = await allReady(upAt);
    const items = await settled();
    const byId = new Map(items.map((i) => [i.id, i]));
    for (const id of [...accepted, ...keptForLater]) {
      const item = byId.get(id);
      expect(item, `item ${id}`).toBeDefined();
      expect(["published", "failed"]).toContain(item?.status);
      if (item?.status === "failed") expect(item.failure_reason).toBeTruthy();
    }
    // No orphan: every object in the media bucket belongs to an item of the catalogue.
    const keys = await mediaObjects(stack);
    for (const key of keys) {
      const parsed = parseMediaKey(key);
      expect(parsed, `unexpected object ${key}`).toBeDefined();
      expect(byId.has(parsed?.mediaId ?? ""), `orphaned object ${key}`).toBe(true);
    }
    // Exactly one `published` event per published item (the outbox relay may lag a little).
    const expected = new Map(items.map((i) => [i.id, i.status === "published" ? 1 : 0]));
    let counts = new Map<string, number>();
    await eventually(
      async () => {
        counts = await publishedEventCounts(stack);
        return items.every((i) => (counts.get(i.id) ?? 0) >= (expected.get(i.id) ?? 0));
      },
      "a published event for every published item",
      60_000,
    ).catch(() => undefined); // the comparison below names what is missing
    const seen = items.map((i) => [i.id, counts.get(i.id) ?? 0]);
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(expected));

    await freshUploadPublishes(`after ${label}`);
    console.log(
      `[faults] nats ${label}: answers ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `answered before the outage ${outcomes.filter((o) => o.at < downAt).length}, ` +
        `outage ${upAt - downAt} ms, all /readyz 200 ${readyAfterMs} ms after the start, ` +
        `items ${items.length} (${items.filter((i) => i.status === "failed").length} failed), ` +
        `media objects ${keys.length}, test ${Date.now() - t0} ms`,
    );
  }, 420_000);
});

describe("after the restarts, every consume loop and KV watch has resumed", () => {
  it("a logout revocation still reaches the verifiers", async () => {
    const access_token = await login(stack);
    const probes = [
      `${stack.services.catalogue.url}/api/v1/catalogue?limit=1`,
      `${stack.services.ingest.url}/api/v1/ingest/pipeline`,
      `${stack.services.auth.url}/api/v1/auth/me`,
    ];
    for (const url of probes) expect((await call(url, { token: access_token })).status).toBe(200);
    const out = await call(`${stack.services.auth.url}/api/v1/auth/logout`, {
      method: "POST",
      token: access_token,
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(out.status, out.text).toBe(204);
    for (const url of probes) {
      await eventually(
        async () => (await call(url, { token: access_token })).status === 401,
        `revoked token refused by ${url}`,
        30_000,
      );
    }
  });

  it("a new signing key still reaches the verifiers (catalogue, ingest, streaming)", async () => {
    const before = decodeProtectedHeader(admin).kid;
    const pem = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    }).privateKey;
    // The stack's auth reads its key from this file at start (startTestStack writes it).
    await writeFile(join(dirname(stack.logDir), "jwt-private.pem"), pem, { mode: 0o600 });
    const t0 = Date.now();
    await stack.services.auth.stop();
    await stack.services.auth.start();
    const restartMs = Date.now() - t0;
    const access_token = await login(stack);
    expect(decodeProtectedHeader(access_token).kid).not.toBe(before);

    const published = (await allItems(stack, admin)).find((i) => i.status === "published");
    expect(published).toBeDefined();
    const probes: [string, RequestInit][] = [
      [`${stack.services.catalogue.url}/api/v1/catalogue?limit=1`, {}],
      [`${stack.services.ingest.url}/api/v1/ingest/pipeline`, {}],
      // Catalogue passes the token to streaming, which verifies it itself.
      [
        `${stack.services.catalogue.url}/api/v1/catalogue/${published?.id}/stream-token`,
        { method: "POST" },
      ],
    ];
    const t1 = Date.now();
    for (const [url, init] of probes) {
      await eventually(
        async () => (await call(url, { ...init, token: access_token })).status === 200,
        `new key accepted by ${url}`,
        30_000,
      );
    }
    console.log(
      `[faults] new signing key: auth restarted in ${restartMs} ms, ` +
        `accepted everywhere ${Date.now() - t1} ms after the first token`,
    );
  });
});
