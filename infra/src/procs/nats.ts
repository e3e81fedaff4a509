import { mkdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Stoppable, startProcess } from "./process.ts";
import { which } from "./which.ts";

export interface NatsOptions {
  /** JetStream store, config, ports file; logs and pidfile too unless given. */
  dataDir: string;
  /** Absent, 0 or -1: a free port chosen by nats-server itself (read back from its ports file). */
  port?: number;
  monitorPort?: number;
  /** Text of a nats-server config file (users, permissions); flags still set ports and JetStream. */
  config?: string;
  logFile?: string;
  pidFile?: string;
}

export interface NatsServer extends Stoppable {
  /** For a test that kills it outright (SIGKILL to its process group). */
  pid: number;
  url: string;
  port: number;
  monitorPort: number;
  monitorUrl: string;
}

/** nats-server with JetStream and monitoring, on 127.0.0.1. */
export async function startNats(options: NatsOptions): Promise<NatsServer> {
  const { dataDir } = options;
  mkdirSync(dataDir, { recursive: true });
  const flagPort = (port = -1) => String(port <= 0 ? -1 : port);
  // biome-ignore format: flag pairs read best one pair per line
  const args = [
    "-a", "127.0.0.1",
    "-p", flagPort(options.port),
    "-m", flagPort(options.monitorPort),
    "-js", "-sd", dataDir,
    "--ports_file_dir", dataDir,
  ];
  if (options.config !== undefined) {
    const configFile = join(dataDir, "nats.conf");
    writeFileSync(configFile, options.config, { mode: 0o600 });
    args.unshift("-c", configFile);
  }
  const proc = await startProcess({
    name: "nats-server",
    command: which("nats-server"),
    args,
    logFile: options.logFile ?? join(dataDir, "nats.log"),
    pidFile: options.pidFile ?? join(dataDir, "nats.pid"),
    ready: { logLine: /Server is ready/, timeoutMs: 15_000 },
  });
  const ports = await readPortsFile(join(dataDir, `nats-server_${proc.pid}.ports`)).catch(
    async (err: unknown) => {
      await proc.stop();
      throw err;
    },
  );
  const url = ports.nats?.[0] ?? "";
  const monitorUrl = ports.monitoring?.[0] ?? "";
  return {
    url,
    port: Number(new URL(url).port),
    monitorPort: Number(new URL(monitorUrl).port),
    monitorUrl,
    pid: proc.pid,
    stop: proc.stop,
    exited: proc.exited,
  };
}

/** The ports actually bound (matters for -1); written around "Server is ready", not always before. */
async function readPortsFile(file: string): Promise<{ nats?: string[]; monitoring?: string[] }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return JSON.parse(await readFile(file, "utf8"));
    } catch (err) {
      if (attempt >= 200) throw err; // 10 s
      await sleep(50);
    }
  }
}
