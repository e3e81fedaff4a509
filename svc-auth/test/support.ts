import { generateKeyPairSync } from "node:crypto";
import {
  connectNats,
  createLogger,
  type NatsConnection,
  startTokenVerifier,
  type TokenVerifier,
} from "@streamstack/contracts/server";
import { createTestDatabase, startTestNats, type TestNats } from "@streamstack/infra";
import postgres from "postgres";
import { type RunningAuth, startAuth } from "../src/app.ts";
import { AuthEnv } from "../src/config.ts";

export const ISSUER = "streamstack-test";
export const silent = createLogger("auth-test", "silent");

export const newRsaPem = () =>
  generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs8",
    format: "pem",
  }) as string;

/** A client of one running auth instance. */
export interface AuthClient {
  base: string;
  /** JSON request; `body` undefined sends none. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  register(email: string, password: string, displayName?: string): Promise<Response>;
  login(email: string, password: string, headers?: Record<string, string>): Promise<Response>;
}

export function clientFor(port: number): AuthClient {
  const base = `http://127.0.0.1:${port}`;
  const call: AuthClient["call"] = (method, path, body, headers = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    base,
    call,
    register: (email, password, display_name) =>
      call("POST", "/api/v1/auth/register", { email, password, display_name }),
    login: (email, password, headers) =>
      call("POST", "/api/v1/auth/login", { email, password }, headers),
  };
}

/**
 * One nats-server and one fresh database for a test file, and auth instances on them
 * (the first started right away). Everything is real; nothing is mocked.
 */
export async function startAuthWorld(env: Record<string, string> = {}) {
  const nats: TestNats = await startTestNats();
  const databaseUrl = await createTestDatabase("auth");
  const pem = newRsaPem();
  const running: RunningAuth[] = [];
  const connections: NatsConnection[] = [];
  const verifiers: TokenVerifier[] = [];
  /** Direct access to auth's database, to look at what it stored. */
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => undefined });

  const configFor = (overrides: Record<string, string> = {}) =>
    AuthEnv.parse({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      NATS_URL: nats.url,
      DATABASE_URL: databaseUrl,
      JWT_ISSUER: ISSUER,
      JWT_PRIVATE_KEY: pem,
      ...env,
      ...overrides,
    });

  const world = {
    nats,
    databaseUrl,
    pem,
    sql,
    configFor,
    /** Starts another auth instance (a replica, or a restart with other settings). */
    async start(overrides: Record<string, string> = {}) {
      const auth = await startAuth(configFor(overrides), { logger: silent });
      running.push(auth);
      return { auth, client: clientFor(auth.port) };
    },
    /** A NATS connection of the test's own (e.g. to read KV). */
    async connect(): Promise<NatsConnection> {
      const nc = await connectNats({ url: nats.url, name: "auth-test" }, silent);
      connections.push(nc);
      return nc;
    },
    /** A verifier as another service runs it: its own NATS connection, KV-fed. */
    async independentVerifier(): Promise<TokenVerifier> {
      const nc = await world.connect();
      const v = await startTokenVerifier({ nc, issuer: ISSUER, replicas: 1, logger: silent });
      verifiers.push(v);
      return v;
    },
    async close() {
      for (const v of verifiers) v.stop();
      await Promise.all(running.map((a) => a.close()));
      await Promise.all(connections.map((nc) => nc.drain().catch(() => undefined)));
      await sql.end({ timeout: 5 });
      await nats.stop();
    },
  };
  const first = await world.start();
  return { ...world, auth: first.auth, client: first.client };
}

export type AuthWorld = Awaited<ReturnType<typeof startAuthWorld>>;

export async function tokensOf(
  res: Response,
): Promise<{ access_token: string; refresh_token: string }> {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
