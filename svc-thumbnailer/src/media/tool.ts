import { spawn } from "node:child_process";
import type { ToolOutcome } from "../domain/failure.ts";

/** A run of ffprobe/ffmpeg that did not exit cleanly; `outcome` says how it ended. */
export class ToolFailed extends Error {
  override readonly name = "ToolFailed";
  constructor(readonly outcome: ToolOutcome) {
    super(
      `${outcome.tool} ${outcome.timedOut ? "timed out" : outcome.signal ? `killed by ${outcome.signal}` : `exited ${outcome.exitCode}`}`,
    );
  }
}

export interface ToolRun {
  tool: ToolOutcome["tool"];
  path: string;
  args: string[];
  /** Killed (SIGKILL) after this long: a stalled HTTP read must not hold a job forever. */
  timeoutMs: number;
  /** Aborting kills the process at once (shutdown hands the job back to the queue). */
  signal?: AbortSignal | undefined;
  /** Stdout beyond this is a bug or a hostile file; the run is killed. */
  maxStdoutBytes?: number;
}

const STDERR_KEEP = 8 * 1024;

/** Runs a media tool without a shell and resolves with its stdout once it exits 0. */
export function runTool(run: ToolRun): Promise<Buffer> {
  const maxStdout = run.maxStdoutBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(run.path, run.args, { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let timedOut = false;
    let killedFor: string | null = null;

    const kill = (why: string) => {
      killedFor ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill("timeout");
    }, run.timeoutMs);
    const onAbort = () => kill("aborted");
    run.signal?.addEventListener("abort", onAbort, { once: true });
    if (run.signal?.aborted) onAbort();

    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) return kill("stdout limit");
      stdout.push(chunk);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });

    const finish = (exitCode: number | null, signal: string | null, extra = "") => {
      clearTimeout(timer);
      run.signal?.removeEventListener("abort", onAbort);
      if (exitCode === 0 && !killedFor) return resolve(Buffer.concat(stdout));
      const note = killedFor && !timedOut ? `\n${run.tool} ${killedFor}` : "";
      reject(
        new ToolFailed({
          tool: run.tool,
          exitCode,
          signal,
          timedOut,
          timeoutMs: run.timeoutMs,
          stderr: stderr + extra + note,
        }),
      );
    };
    child.once("error", (err) => finish(null, null, `\ncould not run ${run.path}: ${err.message}`));
    child.once("close", (code, signal) => finish(code, signal));
  });
}
