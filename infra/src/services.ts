import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ServerProcess, startProcess } from "./procs/process.ts";
import { SERVICE_ENV_KEYS, SERVICES, type ServiceName } from "./service-env.ts";

/** A service exists once its composition root does (others are still being written). */
export function presentServices(root: string): { present: ServiceName[]; missing: ServiceName[] } {
  const has = (s: ServiceName) => existsSync(join(root, `svc-${s}`, "src", "main.ts"));
  return { present: SERVICES.filter(has), missing: SERVICES.filter((s) => !has(s)) };
}

export interface StartServiceOptions {
  root: string;
  name: ServiceName;
  port: number;
  env: Record<string, string>;
  logFile: string;
  pidFile: string;
}

/**
 * Runs svc-<name>/src/main.ts under tsx (one process: `node --import tsx`, not the tsx CLI,
 * which would put a second process in between) and waits for GET /readyz → 200.
 */
export function startService(options: StartServiceOptions): Promise<ServerProcess> {
  const { root, name, port } = options;
  return startProcess({
    name: `svc-${name}`,
    command: process.execPath,
    args: ["--import", "tsx", `svc-${name}/src/main.ts`],
    cwd: root,
    env: { ...inheritedEnv(), ...options.env },
    logFile: options.logFile,
    pidFile: options.pidFile,
    ready: { check: () => isReady(port), timeoutMs: 60_000 },
    stopTimeoutMs: 10_000,
  });
}

/**
 * The parent's environment minus what the stack decides itself, so a secret meant for one
 * service (ADMIN_PASSWORD, a DATABASE_URL in the caller's shell) cannot leak to the others.
 */
function inheritedEnv(): Record<string, string> {
  const controlled = new Set<string>(SERVICE_ENV_KEYS);
  const kept = Object.entries(process.env).filter(
    (e): e is [string, string] => e[1] !== undefined && !controlled.has(e[0]),
  );
  return Object.fromEntries(kept);
}

async function isReady(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, {
    signal: AbortSignal.timeout(2_000),
  });
  await res.body?.cancel();
  return res.status === 200;
}
