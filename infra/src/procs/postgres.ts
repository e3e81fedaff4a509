import { execFile } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { freePort } from "./ports.ts";
import { type Stoppable, startProcess } from "./process.ts";

const run = promisify(execFile);

export interface PostgresOptions {
  /** The cluster lives in <dataDir>/pgdata; logs and pidfile beside it unless given. */
  dataDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Tests: fsync off and friends. Never for data you want to keep. */
  ephemeral?: boolean;
  logFile?: string;
  pidFile?: string;
}

export interface PostgresServer extends Stoppable {
  /** For a test that kills it outright (SIGKILL to its process group). */
  pid: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth, local only). */
  url: string;
  port: number;
}

/** The bin folder of the newest Postgres under /usr/lib/postgresql (Debian's layout). */
export function findPostgresBin(root = "/usr/lib/postgresql"): string {
  const versions = existsSync(root) ? readdirSync(root) : [];
  const bins = versions
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, "bin"))
    .filter((bin) => existsSync(join(bin, "postgres")));
  if (!bins[0]) throw new Error(`No Postgres under ${root}: apt-get install postgresql`);
  return bins[0];
}

/** initdb and postgres refuse to run as root: as root, they run as the "postgres" user. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (!uid || !gid)
    throw new Error("Running as root needs a 'postgres' OS user (apt-get install postgresql)");
  return { uid: Number(uid), gid: Number(gid) };
}

/** The postgres user must be able to walk down to the cluster (a clone under /root cannot). */
function assertReachable(dir: string): void {
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    if (!existsSync(d)) continue;
    const mode = statSync(d).mode & 0o777;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Postgres runs as the 'postgres' user and cannot enter ${d} (mode ${mode.toString(8)}). ` +
          `Use a DATA_DIR outside it (e.g. DATA_DIR=/var/tmp/streamstack) or chmod o+x ${d}.`,
      );
    }
  }
}

export async function startPostgres(options: PostgresOptions): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const dataDir = resolve(options.dataDir);
  const pgdata = join(dataDir, "pgdata");
  const user = postgresUser();
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  if (user) {
    chmodSync(dataDir, 0o755);
    assertReachable(dataDir);
    chownSync(pgdata, user.uid, user.gid);
  }
  chmodSync(pgdata, 0o700); // postgres refuses a group/world-readable cluster
  if (!existsSync(join(pgdata, "PG_VERSION"))) {
    const initdb = ["-D", pgdata, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"];
    await run(join(bin, "initdb"), [...initdb, "--no-sync"], { ...user, cwd: pgdata }).catch(
      (err: Error & { stderr?: string }) => {
        throw new Error(`initdb failed: ${err.stderr ?? err.message}`, { cause: err });
      },
    );
  }
  const port = options.port || (await freePort());
  const settings = [
    "listen_addresses=127.0.0.1",
    `unix_socket_directories=${pgdata}`,
    ...(options.ephemeral ? ["fsync=off", "synchronous_commit=off", "full_page_writes=off"] : []),
  ];
  const proc = await startProcess({
    name: "postgres",
    command: join(bin, "postgres"),
    args: ["-D", pgdata, "-p", String(port), ...settings.flatMap((s) => ["-c", s])],
    logFile: options.logFile ?? join(dataDir, "postgres.log"),
    pidFile: options.pidFile ?? join(dataDir, "postgres.pid"),
    cwd: pgdata,
    ...user,
    stopSignal: "SIGINT", // "fast" shutdown; SIGTERM would wait for every client to leave
    ready: { check: () => isReady(bin, port), timeoutMs: 30_000 },
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    pid: proc.pid,
    stop: proc.stop,
    exited: proc.exited,
  };
}

async function isReady(bin: string, port: number): Promise<boolean> {
  const args = ["-q", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres"];
  return run(join(bin, "pg_isready"), args, { timeout: 2_000 }).then(
    () => true,
    () => false,
  );
}

/** Creates the database if it does not exist yet; returns its URL. */
export async function createDatabase(url: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Bad database name: ${name}`);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const found = await sql`select 1 from pg_database where datname = ${name}`;
    if (found.length === 0) {
      await sql.unsafe(`create database "${name}"`).catch((err: { code?: string }) => {
        if (err.code !== "42P04") throw err; // created meanwhile by someone else: fine
      });
    }
  } finally {
    await sql.end();
  }
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return dbUrl.toString();
}
