// Figures of the load test: a once-a-second sampler of a process's RSS and CPU time, and the
// percentiles and medians the test reports.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Worker } from "node:worker_threads";

export interface ProcessSample {
  /** Seconds since sampling started. */
  t: number;
  rssMiB: number;
  /** User + system CPU seconds used by the process so far. */
  cpuS: number;
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** VmRSS and CPU time of `pid` now (Linux /proc), or undefined once it has gone. */
export function readProcess(pid: number): Omit<ProcessSample, "t"> | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuS = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
    return { rssMiB: kb / 1024, cpuS };
  } catch {
    return undefined;
  }
}

/**
 * The sampler thread's code, plain JS run from this text (so no transform touches it): one
 * sample a second of workerData.pid, posted to the test, until the test says "stop".
 */
const SAMPLER = `
const { readFileSync } = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const t0 = Date.now();
function take() {
  try {
    const status = readFileSync("/proc/" + workerData.pid + "/status", "utf8");
    const kb = Number(/^VmRSS:\\s+(\\d+) kB/m.exec(status)[1]);
    const stat = readFileSync("/proc/" + workerData.pid + "/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuS = (Number(fields[11]) + Number(fields[12])) / ${TICKS_PER_S};
    parentPort.postMessage({ t: (Date.now() - t0) / 1000, rssMiB: kb / 1024, cpuS });
  } catch {} // the process has gone: a gap
}
take();
const timer = setInterval(take, 1000);
parentPort.once("message", () => {
  clearInterval(timer);
  take();
  parentPort.close();
});
`;

/**
 * Samples `pid` every second until stop(), from a worker thread: the test's own event loop
 * is saturated by its viewers and would take samples late or not at all. A vanished
 * process is a sample-less gap.
 */
export function sampleProcess(pid: number): { stop(): Promise<ProcessSample[]> } {
  const worker = new Worker(SAMPLER, { eval: true, workerData: { pid } });
  const samples: ProcessSample[] = [];
  worker.on("message", (s: ProcessSample) => samples.push(s));
  return {
    async stop() {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage("stop");
      await exited;
      return samples;
    },
  };
}

export interface HeapSample {
  t: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  /** Memory V8 tracks outside its heap: Buffers' ArrayBuffers above all. */
  externalMiB: number;
}

/**
 * Reads a service's heap and external memory from its Prometheus /metrics every second, to
 * tell a growing RSS's part in JavaScript objects from Buffers and the allocator.
 */
export function sampleHeap(metricsUrl: string): { stop(): Promise<HeapSample[]> } {
  const samples: HeapSample[] = [];
  const t0 = Date.now();
  const gauge = (text: string, name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1]) / 1024 / 1024;
  let last: Promise<void> = Promise.resolve();
  const take = () => {
    last = fetch(metricsUrl, { signal: AbortSignal.timeout(4_000) })
      .then((r) => r.text())
      .then(
        (text) =>
          void samples.push({
            t: (Date.now() - t0) / 1000,
            heapUsedMiB: gauge(text, "nodejs_heap_size_used_bytes"),
            heapTotalMiB: gauge(text, "nodejs_heap_size_total_bytes"),
            externalMiB: gauge(text, "nodejs_external_memory_bytes"),
          }),
      )
      .catch(() => undefined); // a slow scrape under load is a missing sample, not a failure
  };
  take();
  const timer = setInterval(take, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await last;
      return samples;
    },
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/**
 * The leak check: growth of the live set, V8's used heap plus external memory (Buffers),
 * from its floor over the first half (after the first sixth) to its floor over the last
 * third: seconds 10–30 and 40–60 of a 60 s run. The floor is what survives collection: a
 * sample taken at a random moment also holds garbage not yet collected, the minimum of a
 * second-by-second window is close to what is live. A leak keeps requests' objects or
 * Buffers alive, so it raises the floor by its bytes per request times the requests between
 * the windows (~10 000 at 60 s): 2 KiB a request shows as 20 MiB.
 *
 * RSS is not this signal. The allocator keeps freed pages and V8 frees a Buffer only when
 * its wrapper is collected, so RSS climbs to the high-water mark of the Buffers in flight
 * and wanders below it: in a 180 s run at 200 viewers it reached its band (182–258 MiB)
 * only at second 55–80, and went down as well as up, while the live set's floor stayed at
 * 50–60 MiB throughout. Compared between fixed windows of a 60 s run, it failed a run with
 * no leak.
 */
export function liveSetGrowth(samples: readonly HeapSample[], seconds: number) {
  const window = (from: number, to: number) =>
    samples.filter((s) => s.t >= from && s.t < to).map((s) => s.heapUsedMiB + s.externalMiB);
  const early = window(seconds / 6, seconds / 2);
  const late = window((seconds * 2) / 3, Number.POSITIVE_INFINITY);
  const [earlyMiB, lateMiB] = [Math.min(...early), Math.min(...late)];
  /** Samples per window: a floor of a few scrapes is no floor (the test asks for enough). */
  const samplesIn = Math.min(early.length, late.length);
  return { earlyMiB, lateMiB, growthMiB: lateMiB - earlyMiB, samplesIn };
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** The machine's load average (1, 5, 15 min), rounded, for the report. */
export const loadAverage = () => loadavg().map((l) => round(l, 2));

export { round };
