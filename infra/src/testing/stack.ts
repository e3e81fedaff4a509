// The whole platform for a test, on free ports, composed from the same pieces and the same
// per-service env table as `npm start` (stack.ts): the five services run as real processes,
// so a test can kill -9 one, and the servers under them can be owned by the test, so it can
// stop and restart nats-server, Postgres or S3 on the same port and data.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NATS_ROLES, type NatsRole, renderNatsAuthConfig } from "@streamstack/contracts/server";
import type { NatsUser } from "../nats-users.ts";
import { startNats } from "../procs/nats.ts";
import { startNginx } from "../procs/nginx.ts";
import { freePort } from "../procs/ports.ts";
import { createDatabase, startPostgres } from "../procs/postgres.ts";
import type { ServerProcess, Stoppable } from "../procs/process.ts";
import { signalGroup } from "../procs/reaper.ts";
import { repoRoot, type S3Info, startS3 } from "../procs/s3.ts";
import { SERVICES, type ServiceName, type StackEndpoints, serviceEnv } from "../service-env.ts";
import { startService } from "../services.ts";
import { createTestDatabase, testS3 } from "./index.ts";

export interface TestStackOptions {
  /** Servers a test runs itself (e.g. a cluster: comma-separated URLs). Default: an own nats-server. */
  nats?: { url: string; users?: Record<NatsRole, NatsUser> };
  /** Own nats-server with contracts' per-service users (as `npm start`). Default true. */
  natsAuth?: boolean;
  /** An own, restartable Postgres instead of databases on the run's shared one. */
  ownPostgres?: boolean;
  /** An own, stoppable s3rver instead of buckets on the run's shared one. */
  ownS3?: boolean;
  /** nginx with the production gateway config serving this built UI. */
  gateway?: { uiDir: string };
  /** Extra environment per service (e.g. a slow FFMPEG_PATH for the thumbnailer). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Services to start (default all five). */
  services?: readonly ServiceName[];
  logLevel?: string;
}

/** A server the test may stop and start again: same port, same data. */
export interface Restartable {
  stop(): Promise<void>;
  /** SIGKILL to the whole process group, no shutdown. */
  kill(): Promise<void>;
  start(): Promise<void>;
  readonly running: boolean;
}

export interface TestService extends Restartable {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  logFile: string;
  /** The running process's pid (e.g. to sample /proc/<pid>/status); undefined while stopped. */
  readonly pid: number | undefined;
}

export interface TestStack {
  /** The gateway when asked for, e.g. http://127.0.0.1:41234 */
  url?: string;
  admin: { email: string; password: string };
  services: Record<ServiceName, TestService>;
  nats: {
    url: string;
    monitorUrl?: string;
    users?: Record<NatsRole, NatsUser>;
  } & Partial<Restartable>;
  postgres?: Restartable & { url: string };
  s3: S3Info & { buckets: { media: string; thumbnails: string } } & Partial<Restartable>;
  /** Where each process writes its log (read it when a step fails). */
  logDir: string;
  stop(): Promise<void>;
}

/** Keeps one server's start function so it can be started again on the same port. */
function restartable(start: () => Promise<Stoppable & { pid?: number }>): Restartable & {
  readonly pid: number | undefined;
  first(): Promise<void>;
  stopNow(): Promise<void>;
} {
  let current: (Stoppable & { pid?: number }) | undefined;
  const handle = {
    get running() {
      return current !== undefined;
    },
    get pid() {
      return current?.pid;
    },
    async start() {
      if (!current) current = await start();
    },
    first: () => handle.start(),
    async stop() {
      const c = current;
      current = undefined;
      await c?.stop();
    },
    async kill() {
      const c = current;
      current = undefined;
      if (!c) return;
      if (c.pid === undefined) return c.stop();
      signalGroup(c.pid, "SIGKILL");
      await c.exited;
    },
    stopNow: () => handle.stop(),
  };
  return handle;
}

const rsaKey = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const dir = await mkdtemp(join(tmpdir(), "streamstack-stack-"));
  await chmod(dir, 0o711); // Postgres runs as its own uid and must pass through (not list)
  const logDir = join(dir, "logs");
  const stoppers: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stoppers.splice(0).reverse()) await s().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  const files = (name: string) => ({
    logFile: join(logDir, `${name}.log`),
    pidFile: join(dir, "run", `${name}.pid`),
  });
  try {
    const nats = await ownOrGivenNats(options, dir, files("nats"));
    if (nats.stopNow) stoppers.push(nats.stopNow);

    let postgres: (Restartable & { url: string; stopNow(): Promise<void> }) | undefined;
    if (options.ownPostgres) {
      const port = await freePort();
      const pg = restartable(() =>
        startPostgres({ dataDir: join(dir, "postgres"), port, ephemeral: true, ...files("pg") }),
      );
      await pg.first();
      stoppers.push(pg.stopNow);
      postgres = Object.assign(pg, { url: `postgres://postgres@127.0.0.1:${port}` });
    }

    const s3 = await ownOrSharedS3(options, dir, files("s3rver"));
    if (s3.stopNow) stoppers.push(s3.stopNow);

    const jwtPrivateKeyFile = join(dir, "jwt-private.pem");
    await writeFile(jwtPrivateKeyFile, rsaKey(), { mode: 0o600 });
    const admin = { email: "admin@stack.test", password: randomBytes(12).toString("base64url") };
    const endpoints: StackEndpoints = {
      host: "127.0.0.1",
      natsUrl: nats.url,
      postgresUrl: postgres?.url ?? "postgres://unused", // shared: a test database per owner
      s3,
      jwtPrivateKeyFile,
      jwtIssuer: "streamstack",
      adminEmail: admin.email,
      adminPassword: admin.password,
      maxUploadBytes: 2_000_000_000,
      logLevel: options.logLevel ?? "info",
      natsUsers: nats.users,
    };

    const names = options.services ?? SERVICES;
    const services = {} as Record<ServiceName, TestService>;
    await Promise.all(
      names.map(async (name) => {
        const port = await freePort();
        const env = { ...serviceEnv(name, port, endpoints), ...options.env?.[name] };
        if (env.DATABASE_URL) {
          env.DATABASE_URL = postgres
            ? await createDatabase(`${postgres.url}/postgres`, name)
            : await createTestDatabase(`stack_${name}`);
        }
        env.S3_BUCKET_MEDIA = s3.buckets.media;
        env.S3_BUCKET_THUMBNAILS = s3.buckets.thumbnails;
        const f = files(name);
        const svc = restartable(
          (): Promise<ServerProcess> => startService({ root: repoRoot, name, port, env, ...f }),
        );
        await svc.first();
        stoppers.push(svc.stopNow);
        services[name] = Object.assign(svc, {
          port,
          url: `http://127.0.0.1:${port}`,
          logFile: f.logFile,
        });
      }),
    );

    let url: string | undefined;
    if (options.gateway) {
      const port = await freePort();
      const addr = (s: ServiceName) => `127.0.0.1:${services[s].port}`;
      const gateway = await startNginx({
        dataDir: join(dir, "nginx"),
        port,
        upstreams: {
          auth: addr("auth"),
          catalogue: addr("catalogue"),
          streaming: addr("streaming"),
          ingest: addr("ingest"),
        },
        uiDir: options.gateway.uiDir,
        maxUploadBytes: endpoints.maxUploadBytes,
        accessLog: join(logDir, "nginx-access.log"),
        errorLog: join(logDir, "nginx-error.log"),
      });
      stoppers.push(() => gateway.stop());
      url = `http://127.0.0.1:${port}`;
    }
    return { url, admin, services, nats, postgres, s3, logDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

type Files = { logFile: string; pidFile: string };

async function ownOrGivenNats(options: TestStackOptions, dir: string, files: Files) {
  if (options.nats) return { ...options.nats, stopNow: undefined };
  const users =
    options.natsAuth === false
      ? undefined
      : (Object.fromEntries(
          NATS_ROLES.map((role) => [
            role,
            { user: role, password: randomBytes(18).toString("base64url") },
          ]),
        ) as Record<NatsRole, NatsUser>);
  const [port, monitorPort] = [await freePort(), await freePort()];
  const server = restartable(() =>
    startNats({
      dataDir: join(dir, "nats"),
      port,
      monitorPort,
      ...(users && { config: renderNatsAuthConfig({ users }) }),
      ...files,
    }),
  );
  await server.first();
  return Object.assign(server, {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl: `http://127.0.0.1:${monitorPort}`,
    users,
  });
}

async function ownOrSharedS3(options: TestStackOptions, dir: string, files: Files) {
  if (!options.ownS3) {
    const shared = testS3();
    const { endpoint, region, accessKeyId, secretAccessKey } = shared;
    const buckets = await shared.createTestBuckets();
    return { endpoint, region, accessKeyId, secretAccessKey, buckets, stopNow: undefined };
  }
  const port = await freePort();
  const buckets = { media: "media", thumbnails: "thumbnails" };
  let info: S3Info | undefined;
  const server = restartable(async () => {
    const s3 = await startS3({
      dataDir: join(dir, "s3"),
      port,
      buckets: Object.values(buckets),
      ...files,
    });
    info = s3;
    return s3;
  });
  await server.first();
  const { endpoint, region, accessKeyId, secretAccessKey } = info!;
  return Object.assign(server, { endpoint, region, accessKeyId, secretAccessKey, buckets });
}
