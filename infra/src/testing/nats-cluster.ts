// infra/nats/ as a real 3-node cluster on loopback: the committed cluster.conf and
// accounts.conf with only host names, ports and the store folder rewritten, and the users
// config that `npm run compose:secrets` renders from contracts' permissions. Each node can be
// killed (-9) and started again on the same ports and store, as a crashed container would be.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NATS_ROLES, type NatsRole } from "@streamstack/contracts/server";
import { initSecrets, NATS_AUTH_SECRET, natsPasswordSecret } from "../compose/secrets.ts";
import type { NatsUser } from "../nats-users.ts";
import { freePort } from "../procs/ports.ts";
import { type ServerProcess, startProcess } from "../procs/process.ts";
import { signalGroup } from "../procs/reaper.ts";
import { repoRoot } from "../procs/s3.ts";
import { which } from "../procs/which.ts";

export const CLUSTER_NODES = ["nats-1", "nats-2", "nats-3"] as const;
export type ClusterNodeName = (typeof CLUSTER_NODES)[number];

interface NodePorts {
  client: number;
  monitor: number;
  route: number;
}

export interface ClusterNode {
  name: ClusterNodeName;
  /** nats://127.0.0.1:<client port> */
  url: string;
  /** http://127.0.0.1:<monitor port> (/jsz, /varz, ...) */
  monitorUrl: string;
  logFile: string;
  readonly running: boolean;
  /** SIGKILL, no lame duck: a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and store folder. */
  start(): Promise<void>;
}

export interface TestNatsCluster {
  nodes: ClusterNode[];
  /** All client URLs, comma-separated (NATS_URL as contracts' connectNats reads it). */
  url: string;
  /** Each role's user (user name = role), as rendered into the nodes' auth.conf. */
  users: Record<NatsRole, NatsUser>;
  /** The system account user (sys) password. */
  sysPassword: string;
  dir: string;
  stop(): Promise<void>;
}

/** The committed node config with compose host names and ports replaced for loopback. */
export function loopbackClusterConfig(
  node: ClusterNodeName,
  ports: Record<ClusterNodeName, NodePorts>,
  storeDir: string,
): string {
  let text = readFileSync(join(repoRoot, "infra/nats/cluster.conf"), "utf8");
  const own = ports[node];
  text = text
    .replace(/^port: 4222$/m, `port: ${own.client}\nhost: 127.0.0.1`)
    .replace(/^http_port: 8222$/m, `http_port: ${own.monitor}`)
    .replace(/store_dir: \/data$/m, `store_dir: ${JSON.stringify(storeDir)}`)
    .replace(/listen: 0\.0\.0\.0:6222/, `listen: 127.0.0.1:${own.route}`);
  for (const n of CLUSTER_NODES)
    text = text.replace(`nats-route://${n}:6222`, `nats-route://127.0.0.1:${ports[n].route}`);
  if (/nats-\d:|\/data\b/.test(text))
    throw new Error(`cluster.conf has a compose-only detail the loopback rewrite missed:\n${text}`);
  return text;
}

/** Starts the three nodes (each waits for "Server is ready"; JetStream elects a leader later). */
export async function startTestNatsCluster(): Promise<TestNatsCluster> {
  const dir = await mkdtemp(join(tmpdir(), "streamstack-cluster-"));
  const sysPassword = "sys-secret";
  const secrets = join(dir, "secrets");
  initSecrets(secrets);
  const users = Object.fromEntries(
    NATS_ROLES.map((role) => [
      role,
      {
        user: role,
        password: readFileSync(join(secrets, natsPasswordSecret(role)), "utf8").trim(),
      },
    ]),
  ) as Record<NatsRole, NatsUser>;
  const ports = {} as Record<ClusterNodeName, NodePorts>;
  for (const n of CLUSTER_NODES)
    ports[n] = { client: await freePort(), monitor: await freePort(), route: await freePort() };
  // What infra/nats/entrypoint.sh assembles in the container.
  writeFileSync(
    join(dir, "accounts.conf"),
    readFileSync(join(repoRoot, "infra/nats/accounts.conf")),
  );
  writeFileSync(join(dir, "auth.conf"), readFileSync(join(secrets, NATS_AUTH_SECRET)));

  const nodes = CLUSTER_NODES.map((name): ClusterNode & { stop(): Promise<void> } => {
    const conf = join(dir, `${name}.conf`);
    const store = join(dir, name);
    writeFileSync(conf, loopbackClusterConfig(name, ports, store));
    mkdirSync(store, { recursive: true });
    const logFile = join(dir, `${name}.log`);
    let proc: ServerProcess | undefined;
    return {
      name,
      url: `nats://127.0.0.1:${ports[name].client}`,
      monitorUrl: `http://127.0.0.1:${ports[name].monitor}`,
      logFile,
      get running() {
        return proc !== undefined;
      },
      async start() {
        if (proc) return;
        proc = await startProcess({
          name,
          command: which("nats-server"),
          args: ["-c", conf],
          env: { ...process.env, SERVER_NAME: name, NATS_SYS_PASSWORD: sysPassword },
          logFile,
          pidFile: join(dir, `${name}.pid`),
          ready: { logLine: /Server is ready/, timeoutMs: 30_000 },
        });
      },
      async kill() {
        const p = proc;
        proc = undefined;
        if (!p) return;
        signalGroup(p.pid, "SIGKILL");
        await p.exited;
      },
      async stop() {
        const p = proc;
        proc = undefined;
        await p?.stop();
      },
    };
  });
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, url: nodes.map((n) => n.url).join(","), users, sysPassword, dir, stop };
}
