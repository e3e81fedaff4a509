// infra/nats/ as a real 3-node cluster: the committed cluster.conf and accounts.conf, with
// only host names, ports and the store folder rewritten for loopback, and the users config
// that `npm run compose:secrets` renders from contracts' permissions. Streams and buckets,
// created by their owning service's user the way the services do (ensureStream/openBucket,
// replicas from NATS_REPLICAS=3), come out R3; the system user works; a bad password fails.
import { setTimeout as sleep } from "node:timers/promises";
import {
  BUCKETS,
  connectNats,
  createLogger,
  ensureStream,
  type NatsConnection,
  type NatsRole,
  openBucket,
  STREAMS,
} from "@streamstack/contracts/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLUSTER_NODES,
  startTestNatsCluster,
  type TestNatsCluster,
} from "../src/testing/nats-cluster.ts";

let cluster: TestNatsCluster;
const conns: NatsConnection[] = [];
const logger = createLogger("cluster-test", "silent");

beforeAll(async () => {
  cluster = await startTestNatsCluster();
});

afterAll(async () => {
  await Promise.all(conns.map((c) => c.close()));
  await cluster?.stop();
});

async function connect(user: string, pass: string): Promise<NatsConnection> {
  const nc = await connectNats(
    { url: cluster.url, user, password: pass, name: `test-${user}` },
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
    const sys = await connect("sys", cluster.sysPassword);
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
      users[role] ??= await connect(role, cluster.users[role as NatsRole].password);
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
    expect(members.sort()).toEqual([...CLUSTER_NODES]);
  });

  it("refuses a wrong password (the rendered users are in force)", async () => {
    await expect(
      connectNats(
        { url: cluster.nodes[0]!.url, user: "catalogue", password: "wrong", name: "bad" },
        logger,
      ),
    ).rejects.toThrow(/Authorization/i);
  });
});
