import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.ts";
import { type Stoppable, startProcess } from "./process.ts";

/** The repository root: --import tsx resolves from here, wherever the caller's cwd is. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface S3Options {
  /** Objects live in <dataDir>/objects; logs and pidfile beside them unless given. */
  dataDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Created at start when missing. */
  buckets: string[];
  logFile?: string;
  pidFile?: string;
}

export interface S3Info {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Server extends S3Info, Stoppable {
  /** For a test that kills it outright (SIGKILL to its process group). */
  pid: number;
  port: number;
}

/** s3rver (a local S3) in a child process. It checks no signatures; any keys work. */
export async function startS3(options: S3Options): Promise<S3Server> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const port = options.port || (await freePort());
  const script = join(repoRoot, "infra/src/bin/s3rver.ts");
  const args = ["--port", String(port), "--dir", join(dataDir, "objects")];
  const proc = await startProcess({
    name: "s3rver",
    command: process.execPath,
    args: ["--import", "tsx", script, ...args, "--buckets", options.buckets.join(",")],
    cwd: repoRoot,
    logFile: options.logFile ?? join(dataDir, "s3rver.log"),
    pidFile: options.pidFile ?? join(dataDir, "s3rver.pid"),
    ready: { logLine: /s3rver ready on/, timeoutMs: 30_000 },
    stopTimeoutMs: 5_000,
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    pid: proc.pid,
    stop: proc.stop,
    exited: proc.exited,
  };
}
