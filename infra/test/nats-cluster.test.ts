// infra/nats/ as a real 3-node cluster: the committed cluster.conf and accounts.conf, with
// only host names, ports and the store folder rewritten for loopback, and the users config
// that `npm run compose:secrets` renders from contracts' permissions. Streams and buckets,
// created by their owning service's user the way the services do (ensureStream/openBucket,
// replicas from NATS_REPLICAS=3), come out R3; the system user works; a bad password fails.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  BUCKETS,
  connectNats,
  createLogger,
  ensureStream,
  type NatsConnection,
  openBucket,
  STREAMS,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initSecrets, NATS_AUTH_SECRET, natsPasswordSecret } from "../src/compose/secrets.ts";
import { freePort } from "../src/procs/ports.ts";
import { type ServerProcess, startProcess } from "../src/procs/process.ts";
import { repoRoot } from "../src/procs/s3.ts";
import { which } from "../src/procs/which.ts";

const NODES = ["nats-1", "nats-2", "nats-3"];
const dir = mkdtempSync(join(tmpdir(), "streamstack-cluster-"));
const servers: ServerProcess[] = [];
const conns: NatsConnection[] = [];
const logger = createLogger("cluster-test", "silent");
const sysPassword = "sys-secret";
const secrets = join(dir, "secrets");
initSecrets(secrets);
const passwordOf = (role: string) =>
  readFileSync(join(secrets, natsPasswordSecret(role as "auth")), "utf8");
let urls: string[] = [];

/** The committed node config with compose host names and ports replaced for loopback. */
function loopbackConfig(
  node: string,
  ports: Record<string, { client: number; monitor: number; route: number }>,
): string {
  let text = readFileSync(join(repoRoot, "infra/nats/cluster.conf"), "utf8");
  const own = ports[node]!;
  text = text
    .replace(/^port: 4222$/m, `port: ${own.client}\nhost: 127.0.0.1`)
    .replace(/^http_port: 8222$/m, `http_port: ${own.monitor}`)
    .replace(/store_dir: \/data$/m, `store_dir: ${JSON.stringify(join(dir, node))}`)
    .replace(/listen: 0\.0\.0\.0:6222/, `listen: 127.0.0.1:${own.route}`);
  for (const n of NODES)
    text = text.replace(`nats-route://${n}:6222`, `nats-route://127.0.0.1:${ports[n]!.route}`);
  expect(text).not.toMatch(/nats-\d:|\/data\b/); // every compose-only detail was replaced
  return text;
}

beforeAll(async () => {
  const ports: Record<string, { client: number; monitor: number; route: number }> = {};
  for (const n of NODES)
    ports[n] = { client: await freePort(), monitor: await freePort(), route: await freePort() };
  // What infra/nats/entrypoint.sh assembles in the container.
  writeFileSync(
    join(dir, "accounts.conf"),
    readFileSync(join(repoRoot, "infra/nats/accounts.conf")),
  );
  writeFileSync(join(dir, "auth.conf"), readFileSync(join(secrets, NATS_AUTH_SECRET)));
  await Promise.all(
    NODES.map(async (node) => {
      const conf = join(dir, `${node}.conf`);
      writeFileSync(conf, loopbackConfig(node, ports));
      mkdirSync(join(dir, node), { recursive: true });
      const proc = await startProcess({
        name: node,
        command: which("nats-server"),
        args: ["-c", conf],
        env: {
          ...process.env,
          SERVER_NAME: node,
          NATS_SYS_PASSWORD: sysPassword,
        },
        logFile: join(dir, `${node}.log`),
        pidFile: join(dir, `${node}.pid`),
        ready: { logLine: /Server is ready/, timeoutMs: 30_000 },
      });
      servers.push(proc);
    }),
  );
  urls = NODES.map((n) => `nats://127.0.0.1:${ports[n]!.client}`);
});

afterAll(async () => {
  await Promise.all(conns.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function connect(user: string, pass: string): Promise<NatsConnection> {
  const nc = await connectNats(
    { url: urls.join(","), user, password: pass, name: `test-${user}` },
    logger,
  );
  conns.push(nc);
  return nc;
}

/** The JetStream meta leader is elected some time after start: retry until it answers. */
async function untilClusterAnswers<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt > 100) throw err;
      await sleep(200);
    }
  }
}

describe("infra/nats cluster configuration", () => {
  it("forms one cluster: each node routes to the other two", async () => {
    const sys = await connect("sys", sysPassword);
    const routes = await untilClusterAnswers(async () => {
      const res = await sys.request("$SYS.REQ.SERVER.PING.ROUTEZ", undefined, { timeout: 2000 });
      const body = JSON.parse(new TextDecoder().decode(res.data));
      if (body.data.num_routes !== 2) throw new Error(`routes: ${body.data.num_routes}`);
      return body.data.num_routes;
    });
    expect(routes).toBe(2);
  });

  it("creates every stream and bucket with 3 replicas when NATS_REPLICAS=3", async () => {
    const users: Record<string, NatsConnection> = {};
    const as = async (role: string) => {
      users[role] ??= await connect(role, passwordOf(role));
      return users[role];
    };
    for (const def of Object.values(STREAMS)) {
      const nc = await as(def.owner);
      const jsm = await untilClusterAnswers(() => nc.jetstreamManager());
      const info = await untilClusterAnswers(() => ensureStream(jsm, def, { replicas: 3 }));
      expect(info.config.num_replicas, def.name).toBe(3);
    }
    for (const def of Object.values(BUCKETS)) {
      const nc = await as(def.owner);
      const kv = await untilClusterAnswers(() => openBucket(nc, def, { replicas: 3 }));
      const status = await kv.status();
      expect(status.replicas, def.name).toBe(3);
    }
    // The stream's raft group really spans the three nodes: a leader plus two replicas.
    const jsm = await (await as("ops")).jetstreamManager();
    const info = await untilClusterAnswers(async () => {
      const i = await jsm.streams.info(STREAMS.catalogueEvents.name);
      if ((i.cluster?.replicas?.length ?? 0) !== 2) throw new Error("replicas not yet known");
      return i;
    });
    const members = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)];
    expect(members.sort()).toEqual(NODES);
  });

  it("refuses a wrong password (the rendered users are in force)", async () => {
    await expect(
      connectNats({ url: urls[0]!, user: "catalogue", password: "wrong", name: "bad" }, logger),
    ).rejects.toThrow(/Authorization/i);
  });
});
