// `npm start`: the whole platform from local processes, data under DATA_DIR (.data/).
// Order: nats → postgres (+ databases) → s3 → services → nginx; Ctrl-C stops in reverse.
import { join, resolve } from "node:path";
import { renderNatsAuthConfig } from "@streamstack/contracts/server";
import { banner } from "./banner.ts";
import {
  ConfigError,
  type PortVar,
  parseStackConfig,
  portsOf,
  type StackConfig,
} from "./config.ts";
import { seedDemo } from "./demo.ts";
import { ensureNatsUsers } from "./nats-users.ts";
import { startNats } from "./procs/nats.ts";
import { startNginx } from "./procs/nginx.ts";
import { assertPortsFree, PortInUseError } from "./procs/ports.ts";
import { createDatabase, startPostgres } from "./procs/postgres.ts";
import { ProcessStartError } from "./procs/process.ts";
import { AlreadyRunningError, killStaleIn } from "./procs/reaper.ts";
import { repoRoot, startS3 } from "./procs/s3.ts";
import { Running } from "./running.ts";
import { ensureAdminPassword, ensureJwtKey } from "./secrets.ts";
import { SERVICES, type ServiceName, serviceDatabases, serviceEnv } from "./service-env.ts";
import { presentServices, startService } from "./services.ts";

const say = (line: string) => console.log(`[stack] ${line}`);
const servicePortVar = (s: ServiceName) => `${s.toUpperCase()}_PORT` as PortVar;
const names = (services: ServiceName[]) => services.map((s) => `svc-${s}`).join(", ");

const running = new Running((message) => void fail(message));
// Child handles are unref'd: this is what keeps `npm start` running until a signal.
setInterval(() => {}, 1 << 30);

async function main(): Promise<void> {
  const config = parseStackConfig(process.env);
  const dataDir = resolve(repoRoot, config.DATA_DIR);
  const logDir = join(dataDir, "logs");
  const files = (name: string) => ({
    logFile: join(logDir, `${name}.log`),
    pidFile: join(dataDir, "run", `${name}.pid`),
  });

  const reaped = await killStaleIn(join(dataDir, "run"));
  if (reaped.length > 0) say(`stopped ${reaped.length} process(es) left over by an earlier run`);
  const { present, missing } = presentServices(repoRoot);
  await assertPortsFree(portsToCheck(config, present));

  say("starting nats-server");
  // Each service, the integrator and ops connect as their own user (contracts' permissions).
  const natsUsers = config.NATS_AUTH ? ensureNatsUsers(dataDir, config) : undefined;
  const nats = await startNats({
    dataDir: join(dataDir, "nats"),
    port: config.NATS_PORT,
    monitorPort: config.NATS_MONITOR_PORT,
    ...(natsUsers && { config: renderNatsAuthConfig({ users: natsUsers.byRole }) }),
    ...files("nats"),
  });
  running.add({ name: "nats-server", server: nats, ...files("nats") });

  say("starting postgres");
  const pg = await startPostgres({
    dataDir: join(dataDir, "postgres"),
    port: config.PG_PORT,
    ...files("postgres"),
  });
  running.add({ name: "postgres", server: pg, ...files("postgres") });
  for (const db of serviceDatabases()) await createDatabase(pg.url, db);

  say("starting s3rver");
  const s3 = await startS3({
    dataDir: join(dataDir, "s3"),
    port: config.S3_PORT,
    buckets: ["media", "thumbnails"],
    ...files("s3rver"),
  });
  running.add({ name: "s3rver", server: s3, ...files("s3rver") });

  const admin = ensureAdminPassword(dataDir, config.ADMIN_PASSWORD);
  const endpoints = {
    host: "127.0.0.1",
    natsUrl: nats.url,
    postgresUrl: `postgres://postgres@127.0.0.1:${pg.port}`,
    s3,
    jwtPrivateKeyFile: ensureJwtKey(dataDir),
    jwtIssuer: "streamstack",
    adminEmail: config.ADMIN_EMAIL,
    adminPassword: admin.password,
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    logLevel: config.LOG_LEVEL,
    natsUsers: natsUsers?.byRole,
  };
  if (missing.length > 0) say(`not starting ${names(missing)}: no src/main.ts yet`);
  say(`starting ${names(present) || "no services"}; waiting for /readyz`);
  const addService = running.layer();
  // All at once (2 cores, ~1 s of tsx start-up each); the first failure stops everything.
  await Promise.all(
    present.map(async (name) => {
      const port = config[servicePortVar(name)];
      const env = serviceEnv(name, port, endpoints);
      const server = await startService({ root: repoRoot, name, port, env, ...files(name) });
      addService({ name: `svc-${name}`, server, ...files(name) });
    }),
  );

  say("starting nginx");
  const addr = (s: ServiceName) => `127.0.0.1:${config[servicePortVar(s)]}`;
  const gateway = await startNginx({
    dataDir: join(dataDir, "nginx"),
    port: config.HTTP_PORT,
    upstreams: {
      auth: addr("auth"),
      catalogue: addr("catalogue"),
      streaming: addr("streaming"),
      ingest: addr("ingest"),
    },
    uiDir: join(repoRoot, "ui", "dist"),
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    accessLog: join(logDir, "nginx-access.log"),
    errorLog: join(logDir, "nginx-error.log"),
    pidFile: files("nginx").pidFile,
  });
  running.add({ name: "nginx", server: gateway, logFile: join(logDir, "nginx-error.log") });

  console.log(
    banner({
      root: repoRoot,
      gatewayUrl: `http://localhost:${gateway.port}`,
      adminEmail: config.ADMIN_EMAIL,
      admin,
      natsUrl: nats.url,
      natsMonitorUrl: `http://127.0.0.1:${nats.monitorPort}`,
      natsUsers,
      postgresUrl: `${endpoints.postgresUrl}/{${serviceDatabases().join(",")}}`,
      s3Endpoint: s3.endpoint,
      services: present.map((name) => ({ name, port: config[servicePortVar(name)] })),
      missing,
      logDir,
    }),
  );
  if (config.SEED_DEMO && present.includes("ingest")) {
    const admin_ = { email: config.ADMIN_EMAIL, password: admin.password };
    // After the banner: the platform is usable while the demo uploads and processes.
    seedDemo({ gatewayUrl: `http://127.0.0.1:${gateway.port}`, admin: admin_, dataDir, say }).catch(
      (err: Error) => say(`demo video not seeded: ${err.message} (SEED_DEMO=0 skips it)`),
    );
  }
}

/** Infra ports always; a service's port only when that service exists. */
function portsToCheck(config: StackConfig, present: ServiceName[]): Record<string, number> {
  const ports: Record<string, number> = portsOf(config);
  for (const s of SERVICES) if (!present.includes(s)) delete ports[servicePortVar(s)];
  return ports;
}

async function stop(code: number): Promise<never> {
  const anything = running.size > 0;
  await running.stopAll(say);
  if (anything) say("stopped");
  process.exit(code);
}

async function fail(message: string): Promise<never> {
  if (running.isStopping) return new Promise<never>(() => {});
  console.error(`\n[stack] ${message}\n`);
  return stop(1);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (!running.isStopping) say(`${signal}: stopping everything`);
    void stop(0);
  });
}

main().catch((err: unknown) => {
  const known = [ConfigError, PortInUseError, ProcessStartError, AlreadyRunningError].some(
    (type) => err instanceof type,
  );
  void fail(known ? (err as Error).message : String((err as Error)?.stack ?? err));
});
