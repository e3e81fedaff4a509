import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  createTestDatabase,
  freePort,
  SERVICES,
  type ServerProcess,
  type ServiceName,
  serviceEnv,
  startNginx,
  startProcess,
  startTestNats,
  testS3,
} from "@streamstack/infra";

const repoRoot = resolve(import.meta.dirname, "../../..");

export interface FullStack {
  /** The nginx gateway serving the UI and /api/v1/<svc>/, e.g. http://127.0.0.1:41234 */
  url: string;
  admin: { email: string; password: string };
  /** Where each process writes its log (to read when a step fails). */
  logDir: string;
  stop(): Promise<void>;
}

/**
 * The whole platform for a browser test, on free ports: a fresh nats-server, databases and
 * buckets of its own on the integration run's shared Postgres and s3rver, the five
 * services as real processes (as `npm start` runs them), and nginx with the production
 * gateway config serving `uiDir`.
 *
 * TODO(infra): this composes @streamstack/infra's exported pieces the way infra/src/stack.ts
 * does; once infra exports a test-sized `startStack`, use that instead.
 */
export async function startFullStack(opts: { uiDir: string }): Promise<FullStack> {
  const dir = await mkdtemp(join(tmpdir(), "streamstack-e2e-"));
  const logDir = join(dir, "logs");
  const stoppers: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const nats = await startTestNats();
    stoppers.push(nats);
    const s3 = testS3();
    const buckets = await s3.createTestBuckets();
    const jwtKeyFile = join(dir, "jwt-private.pem");
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    await writeFile(jwtKeyFile, privateKey, { mode: 0o600 });
    const admin = { email: "admin@e2e.test", password: "admin-e2e-password" };
    const endpoints = {
      host: "127.0.0.1",
      natsUrl: nats.url,
      postgresUrl: "postgres://unused", // each owner gets its own test database below
      s3,
      jwtPrivateKeyFile: jwtKeyFile,
      jwtIssuer: "streamstack",
      adminEmail: admin.email,
      adminPassword: admin.password,
      maxUploadBytes: 1_000_000_000,
      logLevel: "info",
    };
    const ports = Object.fromEntries(
      await Promise.all(SERVICES.map(async (s) => [s, await freePort()] as const)),
    ) as Record<ServiceName, number>;

    const services = await Promise.all(
      SERVICES.map(async (name) => {
        const env = serviceEnv(name, ports[name], endpoints);
        if (env.DATABASE_URL) env.DATABASE_URL = await createTestDatabase(`e2e_${name}`);
        env.S3_BUCKET_MEDIA = buckets.media;
        env.S3_BUCKET_THUMBNAILS = buckets.thumbnails;
        return startService(name, ports[name], env, dir, logDir);
      }),
    );
    stoppers.push(...services);

    const gatewayPort = await freePort();
    const addr = (s: ServiceName) => `127.0.0.1:${ports[s]}`;
    const gateway = await startNginx({
      dataDir: join(dir, "nginx"),
      port: gatewayPort,
      upstreams: {
        auth: addr("auth"),
        catalogue: addr("catalogue"),
        streaming: addr("streaming"),
        ingest: addr("ingest"),
      },
      uiDir: opts.uiDir,
      maxUploadBytes: endpoints.maxUploadBytes,
      accessLog: join(logDir, "nginx-access.log"),
      errorLog: join(logDir, "nginx-error.log"),
    });
    stoppers.push(gateway);
    return { url: `http://127.0.0.1:${gatewayPort}`, admin, logDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One service under tsx, ready when its /readyz answers 200 (as infra/src/services.ts). */
function startService(
  name: ServiceName,
  port: number,
  env: Record<string, string>,
  dir: string,
  logDir: string,
): Promise<ServerProcess> {
  return startProcess({
    name: `svc-${name}`,
    command: process.execPath,
    args: ["--import", "tsx", `svc-${name}/src/main.ts`],
    cwd: repoRoot,
    env: { ...process.env, ...env },
    logFile: join(logDir, `${name}.log`),
    pidFile: join(dir, "run", `${name}.pid`),
    ready: { check: () => isReady(port), timeoutMs: 90_000 },
    stopTimeoutMs: 10_000,
  });
}

async function isReady(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.status === 200;
}
