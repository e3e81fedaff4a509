/**
 * Auth latencies on real nats-server and Postgres, auth in-process (one replica):
 *
 *   npx tsx svc-auth/bench/login.bench.ts      (RUNS=40 by default)
 *
 * 1. Failed logins: wrong password vs unknown email, interleaved — the timing an
 *    attacker could use to find accounts (the dummy argon2 verification equalizes it).
 * 2. Successful login, refresh (rotation) and GET /me, sequential p50/p90.
 * 3. Logout → an independent verifier (own NATS connection) refuses the jti: p50/max.
 */
import { generateKeyPairSync } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { connectNats, createLogger, startTokenVerifier } from "@streamstack/contracts/server";
import { createDatabase, startNats, startPostgres } from "@streamstack/infra";
import { startAuth } from "../src/app.ts";
import { AuthEnv } from "../src/config.ts";

const RUNS = Number(process.env.RUNS ?? 40);
const silent = createLogger("auth-bench", "silent");
const dir = await mkdtemp(join(tmpdir(), "auth-bench-"));
await chmod(dir, 0o755); // as root, Postgres runs as "postgres" and must enter it
const nats = await startNats({ dataDir: join(dir, "nats"), port: 0, monitorPort: 0 });
const pg = await startPostgres({ dataDir: join(dir, "pg"), ephemeral: true });

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const fmt = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(1)} ms  p90 ${pct(xs, 90).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`;
async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

try {
  const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs8",
    format: "pem",
  }) as string;
  const config = AuthEnv.parse({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    NATS_URL: nats.url,
    DATABASE_URL: await createDatabase(pg.url, "auth_bench"),
    JWT_PRIVATE_KEY: pem,
    LOGIN_MAX_FAILURES_PER_EMAIL: "1000000",
    LOGIN_MAX_FAILURES_PER_IP: "1000000",
  });
  const auth = await startAuth(config, { logger: silent });
  const base = `http://127.0.0.1:${auth.port}/api/v1/auth`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  await post("/register", { email: "bench@example.com", password: "bench-password" });

  const wrong: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < RUNS + 5; i++) {
    const [a] = await timed(() =>
      post("/login", { email: "bench@example.com", password: `x${i}` }),
    );
    const [b] = await timed(() =>
      post("/login", { email: `nobody${i}@example.com`, password: `x${i}` }),
    );
    // first rounds warm up
    if (i >= 5) {
      wrong.push(a);
      unknown.push(b);
    }
  }

  const login: number[] = [];
  const refresh: number[] = [];
  const me: number[] = [];
  const seen: number[] = [];
  const nc = await connectNats({ url: nats.url, name: "bench-verifier" }, silent);
  const verifier = await startTokenVerifier({
    nc,
    issuer: config.JWT_ISSUER,
    replicas: 1,
    logger: silent,
  });
  for (let i = 0; i < RUNS; i++) {
    const creds = { email: "bench@example.com", password: "bench-password" };
    const [tl, r1] = await timed(() => post("/login", creds));
    const pair = (await r1.json()) as { access_token: string; refresh_token: string };
    const [tr, r2] = await timed(() => post("/refresh", { refresh_token: pair.refresh_token }));
    const next = (await r2.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${next.access_token}` };
    const [tm] = await timed(() => fetch(`${base}/me`, { headers: auth }));
    const { jti } = await verifier.verify(next.access_token);
    const t0 = performance.now();
    await fetch(`${base}/logout`, { method: "POST", headers: auth });
    while (!verifier.isRevoked(jti)) await new Promise((r) => setImmediate(r));
    seen.push(performance.now() - t0);
    login.push(tl);
    refresh.push(tr);
    me.push(tm);
  }
  verifier.stop();
  await nc.drain();
  await auth.close();

  console.log(`auth bench: ${RUNS} runs, ${cpus().length} cores, nats-server + Postgres 15 local`);
  console.log(`login, wrong password   ${fmt(wrong)}`);
  console.log(`login, unknown email    ${fmt(unknown)}`);
  console.log(`  median difference     ${(pct(unknown, 50) - pct(wrong, 50)).toFixed(1)} ms`);
  console.log(`login, success          ${fmt(login)}`);
  console.log(`refresh (rotation)      ${fmt(refresh)}`);
  console.log(`GET /me                 ${fmt(me)}`);
  console.log(`logout → other verifier refuses (request sent → seen)  ${fmt(seen)}`);
} finally {
  await nats.stop();
  await pg.stop();
  await rm(dir, { recursive: true, force: true });
}
