import { readFileSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

// Children run in their own process groups (see startProcess), so nothing kills them for us
// when this process goes away: this module does, and reaps what a crashed run left behind.

const live = new Map<number, NodeJS.Signals>();
let hooked = false;

export function registerChild(pid: number, stopSignal: NodeJS.Signals): void {
  live.set(pid, stopSignal);
  if (hooked) return;
  hooked = true;
  process.on("exit", stopAllNow);
  // Death by a signal skips "exit" handlers, so the usual terminating signals are hooked too.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
}

export function unregisterChild(pid: number): void {
  live.delete(pid);
}

/** Sync, for the "exit" event: send every live child its stop signal; they finish on their own. */
function stopAllNow(): void {
  for (const [pid, signal] of live) signalPid(pid, signal);
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Another listener (the stack, vitest) owns shutdown and will stop children in order.
  if (process.listenerCount(signal) > 1) return;
  stopAllNow();
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal); // re-raise: the default action ends the process as before
}

export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/** Signals the child's whole process group (workers, backends), falling back to the pid. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (!signalPid(-pid, signal)) signalPid(pid, signal);
}

async function cmdlineOf(pid: number): Promise<string | undefined> {
  const raw = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => undefined);
  return raw?.replaceAll("\0", " ").trim();
}

/** A zombie has an empty cmdline: it is gone for our purposes. */
async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await cmdlineOf(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Pidfile text: the child, how to stop it, and which process started it. */
export function pidFileText(pid: number, cmdline: string, stopSignal: NodeJS.Signals): string {
  const owner = readFileSync("/proc/self/cmdline", "utf8").replaceAll("\0", " ").trim();
  return `${pid}\n${cmdline}\n${stopSignal}\n${process.pid}\n${owner}\n`;
}

/** Whether a pid still runs the command line recorded for it (pids get reused). */
async function runs(pid: number, expected: string): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || expected === "") return false;
  // nginx rewrites its title to "nginx: master process <argv>", hence includes() not ===.
  return (await cmdlineOf(pid))?.includes(expected) === true;
}

export class AlreadyRunningError extends Error {
  override name = "AlreadyRunningError";
}

/**
 * Stops the process recorded in a pidfile by an earlier run whose starter is gone (a crash),
 * then removes the pidfile. A child whose starter still runs belongs to a live stack: that is
 * an AlreadyRunningError, not something to kill.
 */
export async function killStale(pidFile: string, timeoutMs = 5_000): Promise<boolean> {
  const text = await readFile(pidFile, "utf8").catch(() => undefined);
  if (text === undefined) return false;
  const [pidText = "", expected = "", signal = "SIGTERM", ownerText = "", ownerCmd = ""] =
    text.split("\n");
  const pid = Number(pidText);
  const isOurs = await runs(pid, expected);
  if (isOurs && (await runs(Number(ownerText), ownerCmd))) {
    throw new AlreadyRunningError(
      `${basename(pidFile, ".pid")} (pid ${pid}) was started by pid ${ownerText} (${ownerCmd}), ` +
        "which is still running. Stop that first, or use another data folder.",
    );
  }
  if (isOurs) {
    signalPid(pid, signal as NodeJS.Signals);
    if (!(await waitGone(pid, timeoutMs))) {
      signalGroup(pid, "SIGKILL");
      await waitGone(pid, 2_000);
    }
  }
  await rm(pidFile, { force: true });
  return isOurs;
}

/** killStale for every *.pid file in a folder; returns the pidfiles whose process was stopped. */
export async function killStaleIn(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const pidFiles = names.filter((n) => n.endsWith(".pid")).map((n) => join(dir, n));
  const killed = await Promise.all(pidFiles.map(async (f) => ((await killStale(f)) ? f : "")));
  return killed.filter(Boolean);
}
