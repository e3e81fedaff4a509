// Stand-ins for ffprobe/ffmpeg that misbehave on purpose for some object keys and run the
// real binary otherwise (including `-version`, which the worker checks at start).
import { readdirSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FFMPEG, FFPROBE } from "./media.ts";

/** Shell code that sets $key to the object key of the input URL (ffprobe: last arg; ffmpeg: after -i). */
const FIND_KEY = `
input=""; prev=""
for a; do
  if [ "$prev" = "-i" ]; then input="$a"; fi
  prev="$a"
done
[ -n "$input" ] || input="$prev"
key=$(printf '%s' "$input" | sed -E 's#^.*/([^/?]+)([?].*)?$#\\1#')
`;

async function script(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${FIND_KEY}\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/**
 * An ffprobe that fails like a storage hiccup: keys `flaky-*` fail once, keys `broken-*`
 * always. A marker file per key remembers the first failure.
 */
export function hiccupFfprobe(dir: string): Promise<string> {
  return script(
    dir,
    "ffprobe-hiccup",
    `case "$key" in
  broken-*) echo "Connection reset by peer" >&2; exit 1 ;;
  flaky-*) if [ ! -e "${dir}/$key.failed" ]; then
      touch "${dir}/$key.failed"; echo "Connection reset by peer" >&2; exit 1
    fi ;;
esac
exec "${FFPROBE}" "$@"`,
  );
}

/** An ffmpeg that is killed by SIGKILL (as by the OOM killer) the first time it sees a `killed-*` key. */
export function oomFfmpeg(dir: string): Promise<string> {
  return script(
    dir,
    "ffmpeg-oom",
    `case "$key" in
  killed-*) if [ ! -e "${dir}/$key.killed" ]; then touch "${dir}/$key.killed"; kill -KILL $$; fi ;;
esac
exec "${FFMPEG}" "$@"`,
  );
}

/**
 * An ffprobe that signals it started (marker file), waits `seconds`, then probes for real:
 * a job in flight for a while. The sleep does not hold the tool's pipes, so killing the
 * script ends the run at once, as killing ffprobe would.
 */
export function slowFfprobe(dir: string, marker: string, seconds = 60): Promise<string> {
  return script(
    dir,
    "ffprobe-slow",
    `[ "$key" = "-version" ] && exec "${FFPROBE}" "$@"
touch "${marker}"
sleep ${seconds} </dev/null >/dev/null 2>&1
exec "${FFPROBE}" "$@"`,
  );
}

/** An ffprobe that never finishes for `hang-*` keys (a stalled read). */
export function hangingFfprobe(dir: string): Promise<string> {
  return script(
    dir,
    "ffprobe-hang",
    `case "$key" in
  hang-*) exec sleep 600 ;;
esac
exec "${FFPROBE}" "$@"`,
  );
}

/** An ffprobe that takes its worker down with it (kill -9 of its parent) on every job. */
export function crashingFfprobe(dir: string): Promise<string> {
  return script(
    dir,
    "ffprobe-crash",
    `[ "$key" = "-version" ] && exec "${FFPROBE}" "$@"
echo "crashing worker $PPID on $key" >&2
kill -KILL $PPID
sleep 5`,
  );
}

/** Where a gated tool marks each run's start, and the file whose creation lets it go on. */
export interface Gate {
  dir: string;
  /** Created (empty) to let every waiting and later run go on. */
  go: string;
}

/** How many runs of a gated tool have started. */
export const gateStarts = (gate: Gate) =>
  readdirSync(gate.dir).filter((f) => f.startsWith("started.")).length;

/**
 * ffmpeg or ffprobe held at a gate: each run marks its start in `gate.dir`, waits until
 * `gate.go` exists, then runs for real — a job in flight for as long as the test wants.
 */
export async function gatedTool(dir: string, tool: "ffmpeg" | "ffprobe", gate: Gate) {
  await mkdir(gate.dir, { recursive: true });
  const real = tool === "ffmpeg" ? FFMPEG : FFPROBE;
  return script(
    dir,
    `${tool}-gated`,
    `[ "$key" = "-version" ] && exec "${real}" "$@"
touch "${gate.dir}/started.$$"
while [ ! -e "${gate.go}" ]; do sleep 0.1; done
exec "${real}" "$@"`,
  );
}
