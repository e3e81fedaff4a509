import { open, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { ExitStatus } from "./process.ts";

export interface ReadyCheck {
  /** Ready once the child writes a line matching this (only output written after the spawn). */
  logLine?: RegExp;
  /** Ready once this resolves true; polled every 50 ms. */
  check?: () => Promise<boolean>;
  /** Default 30 s. */
  timeoutMs?: number;
}

/** Resolves once ready; throws when the child exits first or time runs out. */
export async function waitReady(
  ready: ReadyCheck | undefined,
  logFile: string,
  logOffset: number,
  exited: Promise<ExitStatus>,
): Promise<void> {
  if (!ready) return;
  let exit: ExitStatus | undefined;
  void exited.then((status) => {
    exit = status;
  });
  const deadline = Date.now() + (ready.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exit) throw new Error(`exited before it was ready (code ${exit.code}, ${exit.signal})`);
    const logOk = !ready.logLine || ready.logLine.test(await readFrom(logFile, logOffset));
    if (logOk && (!ready.check || (await ready.check().catch(() => false)))) return;
    await sleep(50);
  }
  throw new Error(`not ready after ${ready.timeoutMs ?? 30_000} ms`);
}

async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(Math.max(0, (await handle.stat()).size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}

/** The last lines of a log, for error messages. */
export async function tailFile(file: string, lines = 30): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
