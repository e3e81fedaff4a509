// Issue 7, faults: Postgres stops (graceful, then kill -9) under browse load. The five
// services run as real processes on an own Postgres; nothing tells them about the outage.
import { ErrorBodySchema, type MediaItem } from "@streamstack/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, makeMp4, startTestStack, type TestStack } from "../src/testing/index.ts";
import { keepLogs } from "../src/testing/platform.ts";
import { allItems, call, login, pacedUpload, readyz, sleep } from "./faults-support.ts";

const DB_SERVICES = ["catalogue", "auth"] as const;
let stack: TestStack;
let admin: string;
let items: MediaItem[];

beforeAll(async () => {
  const [s, mp4] = await Promise.all([
    startTestStack({ ownPostgres: true }),
    makeMp4({ seconds: 1, size: "160x120" }),
  ]);
  stack = s;
  admin = await login(stack);
  // Something to browse: three uploads with words to search for.
  for (const title of ["Orbit over the sea", "Orbital mechanics", "Harbour at night"]) {
    const a = await pacedUpload(stack.services.ingest.url, admin, mp4, {
      title,
      release: Promise.resolve(),
    });
    expect(a.kind === "answer" && a.status, JSON.stringify(a)).toBe(202);
  }
  items = await eventually(
    async () => {
      const all = await allItems(stack, admin);
      return all.every((i) => i.status === "published") && all;
    },
    "seed uploads published",
    120_000,
  );
}, 300_000); // five services start under tsx, then three uploads publish: slow on a loaded machine
afterAll(async () => {
  await keepLogs(stack, "faults-postgres-restart");
  await stack?.stop();
});

/** The service's pid and its start time from its own /metrics: both unchanged = same process. */
async function identity(name: (typeof DB_SERVICES)[number]): Promise<string> {
  const pid = stack.services[name].pid;
  expect(pid, `${name} pid`).toBeDefined();
  process.kill(pid ?? 0, 0); // throws ESRCH if the process is gone
  const text = (await call(`${stack.services[name].url}/metrics`)).text;
  const line = text.split("\n").find((l) => l.startsWith("process_start_time_seconds"));
  expect(line, `${name} /metrics`).toBeDefined();
  return `${name} pid ${pid}, ${line}`;
}

interface Tally {
  ok: number;
  unavailable: number;
  other: Map<string, number>;
}

/** A 503 in the one documented error shape with code `unavailable`. */
function documentedUnavailable(a: { text: string; contentType: string }): boolean {
  if (!a.contentType.startsWith("application/json")) return false;
  try {
    return ErrorBodySchema.parse(JSON.parse(a.text)).error.code === "unavailable";
  } catch {
    return false;
  }
}

/**
 * Browse clients (search with pagination, item pages) and logins, looping until `stop`.
 * Counts answers: 2xx, documented 503s, and anything else (by status and body).
 */
function browseLoad(clients: number) {
  const tally: Tally = { ok: 0, unavailable: 0, other: new Map() };
  let running = true;
  let lastOkAt = 0;
  const count = (a: { status: number; text: string; contentType: string }, what: string) => {
    if (a.status >= 200 && a.status < 300) {
      tally.ok++;
      lastOkAt = Date.now();
    } else if (a.status === 503 && documentedUnavailable(a)) {
      tally.unavailable++;
    } else {
      const key = `${what} ${a.status} ${a.text.slice(0, 120)}`;
      tally.other.set(key, (tally.other.get(key) ?? 0) + 1);
    }
  };
  const get = async (url: string, init: Parameters<typeof call>[1], what: string) => {
    try {
      const a = await call(url, init);
      count(a, what);
      return a;
    } catch (err) {
      count({ status: 0, text: String(err), contentType: "" }, `${what} (no answer)`);
      return undefined;
    }
  };
  const catalogue = `${stack.services.catalogue.url}/api/v1/catalogue`;
  const browse = async () => {
    for (let i = 0; running; i++) {
      const q = ["orbi", "harbour", "night", "o"][i % 4] ?? "o";
      let cursor: string | null = null;
      do {
        const params = new URLSearchParams({ q, limit: "1", ...(cursor && { cursor }) });
        const page = await get(`${catalogue}?${params}`, { token: admin }, "GET /catalogue");
        cursor =
          page?.status === 200 ? (page.body as { next_cursor: string | null }).next_cursor : null;
      } while (cursor && running);
      const item = items[i % items.length];
      await get(`${catalogue}/${item?.id}`, { token: admin }, "GET /catalogue/{id}");
    }
  };
  const logins = async () => {
    while (running) {
      const init = {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(stack.admin),
      };
      await get(`${stack.services.auth.url}/api/v1/auth/login`, init, "POST /login");
      await sleep(50);
    }
  };
  const loops = [...Array.from({ length: clients }, browse), logins(), logins()];
  const done = Promise.all(loops);
  return {
    tally,
    lastOkAt: () => lastOkAt,
    async stop() {
      running = false;
      await done;
    },
  };
}

describe.each([
  { how: "stop" as const, label: "graceful stop" },
  { how: "kill" as const, label: "kill -9" },
])("Postgres $label under browse load", ({ how, label }) => {
  it("/readyz names the db, requests get 503, no process restarts, recovery by itself", async () => {
    const t0 = Date.now();
    const pg = stack.postgres;
    if (!pg) throw new Error("the stack has no own Postgres");
    const started = await Promise.all(DB_SERVICES.map(identity));
    const load = browseLoad(3);
    try {
      await eventually(() => load.tally.ok >= 20, "browse load under way", 60_000);
      const before = { ...load.tally };

      const downAt = Date.now();
      await pg[how]();
      for (const name of DB_SERVICES) {
        const r = await eventually(
          async () => {
            const a = await readyz(stack, name);
            // No answer at all: the process died (its log is in .test-artifacts/).
            expect(a.status, `${name} is not answering: ${a.text}`).not.toBe(0);
            return a.status === 503 && a;
          },
          `${name} /readyz 503 while Postgres is down`,
          30_000,
        );
        const checks = (r.body as { checks: Record<string, string> }).checks;
        expect(checks.db, `${name} readyz ${r.text}`).not.toBe("ok");
        expect(checks.nats).toBe("ok");
      }
      // Requests during the outage: the load keeps going and meets the outage.
      const unavailableAtStop = load.tally.unavailable;
      await eventually(
        () => {
          // Fail fast on an undocumented answer (a 500 would be a bug to fix at the root).
          expect(Object.fromEntries(load.tally.other), "answers other than 2xx or 503").toEqual({});
          return load.tally.unavailable >= unavailableAtStop + 10;
        },
        "requests answered 503 during the outage",
        60_000,
      );
      for (const name of DB_SERVICES) {
        expect((await call(`${stack.services[name].url}/healthz`)).status).toBe(200);
      }
      const duringOutage = { ...load.tally };

      await pg.start();
      const upAt = Date.now();
      for (const name of DB_SERVICES) {
        await eventually(
          async () => (await readyz(stack, name)).status === 200,
          `${name} /readyz 200 after Postgres is back`,
          60_000,
        );
      }
      const readyMs = Date.now() - upAt;
      await eventually(() => load.lastOkAt() > upAt, "the browse load succeeds again", 60_000);
      const browseMs = load.lastOkAt() - upAt;
      // Then it keeps succeeding: a stretch of answers after recovery, all fine.
      const okAfter = load.tally.ok;
      const unavailableAfter = load.tally.unavailable;
      await eventually(() => load.tally.ok >= okAfter + 30, "more browsing after recovery", 60_000);
      await load.stop();
      const settledUnavailable = load.tally.unavailable - unavailableAfter;

      // Same processes all along: none crashed or was restarted.
      expect(await Promise.all(DB_SERVICES.map(identity))).toEqual(started);
      expect(Object.fromEntries(load.tally.other), "answers other than 2xx or 503").toEqual({});
      console.log(
        `[faults] postgres ${label}: before the outage ok ${before.ok}; during it ok ` +
          `${duringOutage.ok - before.ok}, 503 ${duringOutage.unavailable - before.unavailable}; ` +
          `readyz 200 ${readyMs} ms and browsing ok ${browseMs} ms after Postgres was up again ` +
          `(outage ${upAt - downAt} ms); totals ok ${load.tally.ok}, 503 ${load.tally.unavailable}, ` +
          `other 0, 503 after the first success ${settledUnavailable}; test ${Date.now() - t0} ms`,
      );
    } finally {
      await load.stop();
    }
  }, 300_000);
});
