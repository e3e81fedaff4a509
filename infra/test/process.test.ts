import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { ProcessStartError, startProcess } from "../src/procs/process.ts";
import { AlreadyRunningError, killStale } from "../src/procs/reaper.ts";

const dir = mkdtempSync(join(tmpdir(), "streamstack-proc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").length > 0;
  } catch {
    return false;
  }
};
const node = (name: string, code: string) => ({
  name,
  command: process.execPath,
  args: ["-e", code],
  logFile: join(dir, `${name}.log`),
  pidFile: join(dir, `${name}.pid`),
});
const waitGone = async (pid: number) => {
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
  return !alive(pid);
};

describe("startProcess", () => {
  it("waits for a log line, records a pidfile, and stops", async () => {
    const proc = await startProcess({
      ...node(
        "ready",
        "setTimeout(() => console.log('up and ready'), 200); setInterval(() => {}, 1000)",
      ),
      ready: { logLine: /up and ready/ },
    });
    expect(readFileSync(join(dir, "ready.pid"), "utf8").split("\n")[0]).toBe(String(proc.pid));
    await proc.stop();
    expect(await proc.exited).toMatchObject({ signal: "SIGTERM" });
    expect(alive(proc.pid)).toBe(false);
    expect(existsSync(join(dir, "ready.pid"))).toBe(false);
  });

  it("fails with the end of the log when the child dies before it is ready", async () => {
    const start = startProcess({
      ...node("dies", "console.error('boom: bad config'); process.exit(3)"),
      ready: { logLine: /never/ },
    });
    await expect(start).rejects.toThrow(ProcessStartError);
    await expect(start).rejects.toThrow(/boom: bad config/);
  });

  it("sends SIGKILL when the stop signal is ignored", async () => {
    const proc = await startProcess({
      ...node(
        "stubborn",
        "process.on('SIGTERM', () => {}); console.log('ok'); setInterval(() => {}, 1000)",
      ),
      ready: { logLine: /ok/ },
      stopTimeoutMs: 300,
    });
    await proc.stop();
    expect(await proc.exited).toMatchObject({ signal: "SIGKILL" });
  });
});

describe("reaping", () => {
  it("kills a leftover recorded in a pidfile, but only if its command line matches", async () => {
    const proc = await startProcess({ ...node("leftover", "setInterval(() => {}, 1000)") });
    const copy = join(dir, "copy.pid");
    copyFileSync(join(dir, "leftover.pid"), copy);
    expect(await killStale(copy)).toBe(true);
    expect(await waitGone(proc.pid)).toBe(true);

    const stranger = spawn("sleep", ["30"]);
    const pid = stranger.pid ?? 0;
    writeFileSync(copy, `${pid}\nnats-server -p 4222\nSIGTERM\n`); // a reused pid
    expect(await killStale(copy)).toBe(false);
    expect(alive(pid)).toBe(true);
    stranger.kill();
  });

  it.each(["exit", "SIGTERM"])("stops children when the parent ends by %s", async (how) => {
    const script = join(dir, `parent-${how}.mts`);
    const procs = new URL("../src/procs/process.ts", import.meta.url).pathname;
    writeFileSync(
      script,
      `import { startProcess } from ${JSON.stringify(procs)};
       const p = await startProcess(${JSON.stringify(node(`child-${how}`, "setInterval(() => {}, 1000)"))});
       console.log(p.pid);
       ${how === "exit" ? "process.exit(0);" : "process.kill(process.pid, 'SIGTERM'); setInterval(() => {}, 1000);"}`,
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" });
    const pid = Number(run.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(run.signal).toBe(how === "exit" ? null : "SIGTERM"); // the default action still applies
    expect(await waitGone(pid)).toBe(true);
  });
});

describe("a live owner", () => {
  it("refuses to reap a child whose starter still runs", async () => {
    const owner = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
    const child = spawn("sleep", ["30"]);
    const ownerCmd = `${process.execPath} -e setInterval(() => {}, 1000)`;
    const pidFile = join(dir, "owned.pid");
    writeFileSync(pidFile, `${child.pid}\nsleep 30\nSIGTERM\n${owner.pid}\n${ownerCmd}\n`);
    try {
      await expect(killStale(pidFile)).rejects.toThrow(AlreadyRunningError);
      expect(alive(child.pid ?? 0)).toBe(true);
      owner.kill();
      await waitGone(owner.pid ?? 0);
      expect(await killStale(pidFile)).toBe(true); // the starter is gone: now it is a leftover
      expect(await waitGone(child.pid ?? 0)).toBe(true);
    } finally {
      owner.kill();
      child.kill();
    }
  });
});
