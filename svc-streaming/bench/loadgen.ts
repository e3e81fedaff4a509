// Load generators for the range benchmark: wrk (C, cheap on CPU) when installed, else
// a Node keep-alive client. Both request random absolute ranges of one length from a
// seeded sequence, so the edge and direct S3 see the same ranges.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface LoadSpec {
  /** http://host:port */
  origin: string;
  /** Path (and query) of the object. */
  path: string;
  objectSize: number;
  rangeLength: number;
  connections: number;
  seconds: number;
  seed: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Body bytes received (ranges are all `rangeLength` long). */
  bytes: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

export type LoadGenerator = (spec: LoadSpec) => Promise<LoadResult>;

const WRK_SCRIPT = `
local size = tonumber(os.getenv("BENCH_OBJECT_SIZE"))
local len = tonumber(os.getenv("BENCH_RANGE_LENGTH"))
local path = os.getenv("BENCH_PATH")
function init(args) math.randomseed(tonumber(os.getenv("BENCH_SEED"))) end
function request()
  local first = math.random(0, size - len)
  return wrk.format("GET", path, { ["Range"] = "bytes=" .. first .. "-" .. (first + len - 1) })
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH{"requests":%d,"us":%d,"errors":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;

/** wrk with one thread: it leaves the two cores to the edge and S3 as far as it can. */
export function wrkGenerator(wrkPath: string, workDir: string): LoadGenerator {
  const script = join(workDir, "ranges.lua");
  writeFileSync(script, WRK_SCRIPT);
  return async (spec) => {
    const { stdout } = await run(
      wrkPath,
      [
        "-t1",
        `-c${spec.connections}`,
        `-d${spec.seconds}s`,
        "--timeout",
        "30s",
        "-s",
        script,
        `${spec.origin}/`,
      ],
      {
        env: {
          ...process.env,
          BENCH_OBJECT_SIZE: String(spec.objectSize),
          BENCH_RANGE_LENGTH: String(spec.rangeLength),
          BENCH_PATH: spec.path,
          BENCH_SEED: String(spec.seed),
        },
      },
    );
    const line = stdout.split("\n").find((l) => l.startsWith("BENCH"));
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const r = JSON.parse(line.slice(5)) as Record<string, number>;
    const requests = r.requests ?? 0;
    return {
      requests,
      seconds: (r.us ?? 1) / 1e6,
      bytes: requests * spec.rangeLength,
      errors: r.errors ?? 0,
      p50Ms: (r.p50 ?? 0) / 1000,
      p99Ms: (r.p99 ?? 0) / 1000,
    };
  };
}

/** A seeded PRNG (mulberry32), so both targets get the same range sequence. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One GET; resolves with the body length once the body is drained. */
export function getRange(
  agent: http.Agent,
  url: URL,
  path: string,
  range: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { agent, hostname: url.hostname, port: url.port, path, headers: { range } },
      (res) => {
        let n = 0;
        res.on("data", (c: Buffer) => {
          n += c.length;
        });
        res.on("end", () =>
          (res.statusCode ?? 0) < 300 ? resolve(n) : reject(new Error(`status ${res.statusCode}`)),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
  });
}

/** The fallback: `connections` request loops on a keep-alive agent, in this process. */
export const nodeGenerator: LoadGenerator = async (spec) => {
  const url = new URL(spec.origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const random = seededRandom(spec.seed);
  const latencies: number[] = [];
  let bytes = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + spec.seconds * 1000;
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (performance.now() < deadline) {
        const first = Math.floor(random() * (spec.objectSize - spec.rangeLength + 1));
        const t0 = performance.now();
        try {
          bytes += await getRange(
            agent,
            url,
            spec.path,
            `bytes=${first}-${first + spec.rangeLength - 1}`,
          );
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    bytes,
    errors,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
};
