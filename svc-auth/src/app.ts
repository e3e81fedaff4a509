import { fileURLToPath } from "node:url";
import {
  AppError,
  apiDocRoutes,
  BUCKETS,
  createEdge,
  type Logger,
  listen,
  mountOps,
  openBucket,
  openDatabase,
  startKit,
  startTokenVerifier,
} from "@streamstack/contracts/server";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AuthConfig } from "./config.ts";
import { schema } from "./db/schema.ts";
import { parseTrustedProxies } from "./domain/client-ip.ts";
import { accountRoutes } from "./http/accounts.ts";
import { keyRoutes } from "./http/keys.ts";
import { authOpenApi } from "./http/openapi.ts";
import { sessionRoutes } from "./http/sessions.ts";
import { loadSigningKey } from "./keys/signing-key.ts";
import { createAuthMetrics } from "./metrics.ts";
import { publishSigningKey } from "./nats/key-publication.ts";
import { createRevocationList } from "./nats/revocations.ts";
import { createAccounts } from "./services/accounts.ts";
import { ensureBootstrapAdmin } from "./services/bootstrap-admin.ts";
import { createLoginThrottle } from "./services/login-throttle.ts";
import { createPasswords } from "./services/passwords.ts";
import { createSessions } from "./services/sessions.ts";
import { waitUntil } from "./wait.ts";

export interface RunningAuth {
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;
const bodyTooLarge = (c: Context) => {
  // The rest of the body is never read, so this connection cannot carry another request:
  // say so, or a keep-alive client reuses it and its next request dies mid-flight.
  c.header("Connection", "close");
  throw new AppError(
    "payload_too_large",
    `request bodies here are at most ${MAX_BODY_BYTES} bytes`,
  );
};

const MIGRATIONS = fileURLToPath(new URL("../drizzle", import.meta.url));

/**
 * The auth service: loads the signing key (failing fast), connects, migrates, publishes
 * the public JWKS, ensures the bootstrap admin, then serves `/api/v1/auth` and the ops
 * routes. `close()` stops HTTP, the verifier, drains NATS and closes the pool.
 */
export async function startAuth(
  config: AuthConfig,
  opts: { logger?: Logger } = {},
): Promise<RunningAuth> {
  const key = await loadSigningKey(config);
  const trustedProxies = parseTrustedProxies(config.TRUSTED_PROXIES);
  const shutdown: (() => unknown)[] = [];
  const close = async () => {
    for (const step of shutdown.splice(0).reverse()) await step(); // once, newest first
  };
  try {
    const kit = await startKit({
      name: "auth",
      description: "Accounts, sign-in, tokens",
      env: config,
      ...opts,
    });
    shutdown.push(() => kit.close());
    const database = await openDatabase(config.DATABASE_URL, schema, MIGRATIONS);
    shutdown.push(() => database.close());
    const topology = { replicas: config.NATS_REPLICAS };
    const keysKv = await openBucket(kit.nc, BUCKETS.authKeys, topology);
    const revocations = createRevocationList(
      await openBucket(kit.nc, BUCKETS.revokedTokens, topology),
    );
    await publishSigningKey(keysKv, key.publicJwk, kit.logger);
    const verifier = await startTokenVerifier({
      nc: kit.nc,
      issuer: config.JWT_ISSUER,
      logger: kit.logger,
      ...topology,
    });
    shutdown.push(() => verifier.stop());

    const db = database.db;
    const passwords = await createPasswords();
    if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
      const admin = { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD };
      await ensureBootstrapAdmin({ db, passwords, revocations, logger: kit.logger }, admin);
    }
    const throttle = createLoginThrottle(db, {
      maxFailuresPerEmail: config.LOGIN_MAX_FAILURES_PER_EMAIL,
      maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
      windowS: config.LOGIN_FAILURE_WINDOW_S,
    });
    const sessions = createSessions({
      db,
      key,
      passwords,
      throttle,
      revocations,
      awaitRevoked: (jti) => waitUntil(() => verifier.isRevoked(jti), 1000),
      count: createAuthMetrics(kit.metrics),
      issuer: config.JWT_ISSUER,
      accessTtlS: config.ACCESS_TOKEN_TTL_S,
      refreshTtlS: config.REFRESH_TOKEN_TTL_S,
    });
    const accounts = createAccounts({
      db,
      passwords,
      registrationEnabled: config.REGISTRATION_ENABLED,
    });

    const app = createEdge(kit);
    mountOps(app, { nats: () => kit.nc.flush(), db: () => database.sql`select 1` }, kit.metrics);
    // Auth bodies are a few hundred bytes; refuse big ones before buffering them.
    app.use("/api/v1/auth/*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: bodyTooLarge }));
    app.route("/api/v1/auth", accountRoutes({ accounts, verifier }));
    app.route("/api/v1/auth", sessionRoutes({ sessions, verifier, trustedProxies }));
    app.route("/api/v1/auth", keyRoutes({ keys: keysKv }));
    app.route("/", apiDocRoutes("/api/v1/auth", authOpenApi("/api/v1/auth")));
    const http = await listen(app, { host: config.HOST, port: config.PORT });
    shutdown.push(() => http.close());
    kit.logger.info({ port: http.port, kid: key.kid }, "auth listening");
    return { port: http.port, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
