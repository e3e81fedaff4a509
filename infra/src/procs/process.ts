import { spawn } from "node:child_process";
import { appendFileSync, closeSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type ReadyCheck, tailFile, waitReady } from "./ready.ts";
import {
  killStale,
  pidFileText,
  registerChild,
  signalGroup,
  signalPid,
  unregisterChild,
} from "./reaper.ts";

export interface StartProcessOptions {
  /** Used in messages only. */
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr are appended here, by the child itself (no pipe through the parent). */
  logFile: string;
  /** Holds pid, command line and stop signal, so a later run can reap a crashed run's child. */
  pidFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  ready?: ReadyCheck;
  /** Default SIGTERM (postgres wants SIGINT: SIGTERM waits for clients to leave). */
  stopSignal?: NodeJS.Signals;
  /** Time between the stop signal and SIGKILL. Default 10 s. */
  stopTimeoutMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What every start* function returns besides its addresses. */
export interface Stoppable {
  /** Settles when the server exits, whether stopped or crashed. */
  readonly exited: Promise<ExitStatus>;
  stop(): Promise<void>;
}

export interface ServerProcess extends Stoppable {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** True once stop() was called, so an exit is expected. */
  readonly stopping: boolean;
}

export type { ReadyCheck } from "./ready.ts";
export { tailFile } from "./ready.ts";

export class ProcessStartError extends Error {
  constructor(
    message: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- last lines of ${logFile} ---\n${logTail}`);
    this.name = "ProcessStartError";
  }
}

/** Spawns a long-running server, waits until it is ready, and returns a handle to stop it. */
export async function startProcess(options: StartProcessOptions): Promise<ServerProcess> {
  const { name, command, args, logFile, pidFile } = options;
  const stopSignal = options.stopSignal ?? "SIGTERM";
  await killStale(pidFile);
  mkdirSync(dirname(logFile), { recursive: true });
  mkdirSync(dirname(pidFile), { recursive: true });
  const cmdline = [command, ...args].join(" ");
  appendFileSync(logFile, `\n--- ${new Date().toISOString()} starting: ${cmdline}\n`);
  const logOffset = (await stat(logFile)).size;

  const fd = openSync(logFile, "a");
  // detached: the child gets its own process group, so a terminal Ctrl-C reaches only the
  // parent, which then stops the children in order.
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    uid: options.uid,
    gid: options.gid,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  // A handle does not keep this process alive (a forgotten stop() must not hang a test run);
  // the reaper stops the child when this process exits. The stack keeps itself alive.
  child.unref();
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: null, signal: null }));
  });
  const spawned = await new Promise<number>((resolve, reject) => {
    child.once("spawn", () => resolve(child.pid ?? 0));
    child.once("error", (err) =>
      reject(new Error(`${name}: cannot run ${command}`, { cause: err })),
    );
  });
  const pid = spawned;
  writeFileSync(pidFile, pidFileText(pid, cmdline, stopSignal));
  registerChild(pid, stopSignal);
  const forgotten = exited.then(() => {
    unregisterChild(pid);
    return rm(pidFile, { force: true });
  });

  let stopping = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return forgotten;
    // The graceful signal goes to the leader only, so it can wind down its own children
    // (postgres backends, a running ffmpeg); SIGKILL later takes the whole group.
    signalPid(pid, stopSignal);
    const timeout = sleep(options.stopTimeoutMs ?? 10_000).then(() => "timeout" as const);
    if ((await Promise.race([exited, timeout])) === "timeout") {
      signalGroup(pid, "SIGKILL");
    }
    await forgotten; // the pidfile is gone once stop() returns
  };
  const handle: ServerProcess = {
    name,
    pid,
    logFile,
    exited,
    get stopping() {
      return stopping;
    },
    stop,
  };

  try {
    await waitReady(options.ready, logFile, logOffset, exited);
  } catch (err) {
    await stop();
    const message = err instanceof Error ? err.message : String(err);
    throw new ProcessStartError(`${name}: ${message}`, logFile, await tailFile(logFile));
  }
  return handle;
}
