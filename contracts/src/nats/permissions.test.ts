import { describe, expect, it } from "vitest";
import { renderNatsAuthConfig } from "./auth-config.ts";
import {
  ensuredStreams,
  NATS_ROLES,
  NATS_USE,
  type NatsPermissions,
  permissionsFor,
  replicaChannels,
  servicePermissions,
} from "./permissions.ts";
import { RPC } from "./rpc.ts";
import { BUCKETS, CONSUMERS, SERVICES, STREAMS, SUBJECTS } from "./topology.ts";

/** NATS subject matching: `*` one token, `>` one or more trailing tokens. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length || (p[i] !== "*" && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
const may = (side: { allow: string[]; deny: string[] }, subject: string) =>
  side.allow.some((a) => matches(a, subject)) && !side.deny.some((d) => matches(d, subject));
const pub = (p: NatsPermissions, s: string) => may(p.publish, s);
const sub = (p: NatsPermissions, s: string) => may(p.subscribe, s);

describe("service permissions cover what the topology says each service uses", () => {
  for (const service of SERVICES) {
    const p = servicePermissions(service);
    it(`${service}: its RPCs, streams, consumers, buckets, inbox and $SRV`, () => {
      for (const r of Object.values(RPC)) {
        expect(sub(p, r.subject), `serves ${r.subject}`).toBe(r.service === service);
        expect(pub(p, r.subject), `calls ${r.subject}`).toBe(NATS_USE[service].calls.includes(r));
      }
      for (const s of Object.values(STREAMS)) {
        const subject = s.subjects[0]!.replace(">", "any");
        expect(pub(p, subject), `publishes into ${s.name}`).toBe(s.owner === service);
        const ensures = ensuredStreams(service).includes(s.name);
        for (const op of ["INFO", "CREATE"]) {
          const api = `$JS.API.STREAM.${op}.${s.name}`;
          if (ensures || op !== "INFO") expect(pub(p, api), api).toBe(ensures);
        }
        // Only the owner changes a stream's definition; readers merely create it if missing.
        const update = `$JS.API.STREAM.UPDATE.${s.name}`;
        expect(pub(p, update), update).toBe(s.owner === service);
        expect(pub(p, `$JS.API.STREAM.DELETE.${s.name}`)).toBe(false);
        expect(pub(p, `$JS.API.STREAM.PURGE.${s.name}`)).toBe(false);
      }
      for (const c of Object.values(CONSUMERS)) {
        const at = `${c.stream}.${c.durable}`;
        const mine = c.owner === service;
        expect(pub(p, `$JS.API.CONSUMER.MSG.NEXT.${at}`), `pulls ${c.durable}`).toBe(mine);
        expect(pub(p, `$JS.API.CONSUMER.DELETE.${at}`), `deletes ${c.durable}`).toBe(false);
        if (mine) {
          expect(pub(p, `$JS.API.CONSUMER.INFO.${at}`)).toBe(true);
          expect(pub(p, `$JS.API.CONSUMER.CREATE.${at}.${c.filterSubject}`)).toBe(true);
          expect(pub(p, `$JS.ACK.${at}.1.2.3.4.5`)).toBe(true);
        }
      }
      for (const b of Object.values(BUCKETS)) {
        const writes = b.owner === service;
        const reads = writes || (NATS_USE[service].verifiesTokens && b.owner === "auth");
        expect(pub(p, `$KV.${b.name}.key`), `writes ${b.name}`).toBe(writes);
        expect(pub(p, `$JS.API.STREAM.MSG.GET.KV_${b.name}`), `leader-reads ${b.name}`).toBe(
          writes,
        );
        expect(pub(p, `$JS.API.DIRECT.GET.KV_${b.name}.$KV.${b.name}.key`), `reads ${b.name}`).toBe(
          reads,
        );
        expect(pub(p, `$JS.API.CONSUMER.CREATE.KV_${b.name}.w1.$KV.${b.name}.>`)).toBe(reads);
      }
      expect(pub(p, "$JS.API.INFO")).toBe(true);
      expect(sub(p, `_INBOX.${service}.abc.1`)).toBe(true);
      expect(sub(p, "_INBOX.other.abc.1")).toBe(false);
      expect(sub(p, `$SRV.PING.${service}`)).toBe(true);
      expect(sub(p, "$SRV.STATS")).toBe(true);
      expect(p.allowResponses).toBe(true);
    });
  }

  it("lets only the thumbnailer end exhausted jobs, and only ingest watch the pipeline", () => {
    const jobs = CONSUMERS.processingJobs;
    const advisory = SUBJECTS.maxDeliveriesAdvisory(jobs.stream, jobs.durable);
    for (const service of SERVICES) {
      const p = servicePermissions(service);
      expect(sub(p, advisory)).toBe(service === "thumbnailer");
      expect(pub(p, `$JS.API.STREAM.MSG.DELETE.${jobs.stream}`)).toBe(service === "thumbnailer");
      expect(pub(p, "$SRV.STATS")).toBe(service === "ingest");
      expect(pub(p, "$JS.API.STREAM.LIST")).toBe(service === "ingest");
    }
  });

  it("lets a service use every subject of its own namespace in SUBJECTS, and no other's", () => {
    const patterns = Object.values(SUBJECTS).map((v) =>
      typeof v === "function" ? (v as (...a: string[]) => string)("x", "y.mp4") : v,
    );
    for (const service of SERVICES) {
      const p = servicePermissions(service);
      // A job subject may sit in the worker's namespace yet belong to another's stream.
      const othersStreams = Object.values(STREAMS).filter((st) => st.owner !== service);
      const mine = patterns.filter(
        (s) =>
          s.startsWith(`${service}.`) &&
          !othersStreams.some((st) => st.subjects.some((ss) => matches(ss, s))),
      );
      for (const subject of mine) {
        const served = Object.values(RPC).some(
          (r) => r.subject === subject && r.service === service,
        );
        expect(pub(p, subject) || served, `${service} uses ${subject}`).toBe(true);
      }
    }
    for (const other of SERVICES) {
      for (const ch of replicaChannels(other)) {
        for (const service of SERVICES.filter((s) => s !== other)) {
          const subject = ch.replaceAll("*", "x").replace(/>$/, "x.mp4");
          expect(pub(servicePermissions(service), subject)).toBe(false);
        }
      }
    }
  });

  it("keeps the thumbnailer away from tokens and keys (the issue's example)", () => {
    const p = servicePermissions("thumbnailer");
    expect(pub(p, SUBJECTS.tokenIssue)).toBe(false);
    expect(pub(p, "$KV.auth-keys.jwks")).toBe(false);
    expect(pub(p, "$JS.API.STREAM.INFO.KV_auth-keys")).toBe(false);
  });
});

describe("integrator and ops", () => {
  const integrator = permissionsFor("integrator");
  const ops = permissionsFor("ops");
  const events = STREAMS.catalogueEvents.name;

  it("integrator: catalogue events and its own consumers, not the platform's", () => {
    expect(sub(integrator, "catalogue.events.media.published")).toBe(true);
    expect(sub(integrator, "thumbnailer.jobs.process")).toBe(false);
    expect(pub(integrator, "catalogue.events.media.published")).toBe(false);
    expect(pub(integrator, `$JS.API.CONSUMER.DURABLE.CREATE.${events}.crm`)).toBe(true);
    expect(pub(integrator, `$JS.API.CONSUMER.CREATE.${events}.crm.catalogue.events.>`)).toBe(true);
    expect(pub(integrator, `$JS.API.CONSUMER.DELETE.${events}.crm`)).toBe(true);
    expect(pub(integrator, `$JS.API.CONSUMER.MSG.NEXT.${events}.crm`)).toBe(true);
    expect(pub(integrator, `$JS.ACK.${events}.crm.1.2.3.4.5`)).toBe(true);
    for (const c of Object.values(CONSUMERS).filter((c) => c.stream === events)) {
      expect(pub(integrator, `$JS.API.CONSUMER.DELETE.${events}.${c.durable}`)).toBe(false);
      expect(pub(integrator, `$JS.API.CONSUMER.MSG.NEXT.${events}.${c.durable}`)).toBe(false);
      expect(pub(integrator, `$JS.API.CONSUMER.CREATE.${events}.${c.durable}.x`)).toBe(false);
      expect(pub(integrator, `$JS.ACK.${events}.${c.durable}.1.2.3.4.5`)).toBe(false);
    }
    expect(pub(integrator, `$JS.API.STREAM.DELETE.${events}`)).toBe(false);
    expect(pub(integrator, "$JS.API.CONSUMER.CREATE.THUMBNAILER_JOBS.x")).toBe(false);
    expect(integrator.allowResponses).toBe(false);
  });

  it("ops: read-only discovery and info, never a KV stream's keys", () => {
    for (const s of ["$SRV.PING", "$SRV.STATS.catalogue", "$JS.API.STREAM.LIST"]) {
      expect(pub(ops, s), s).toBe(true);
    }
    expect(pub(ops, `$JS.API.STREAM.INFO.${events}`)).toBe(true);
    expect(pub(ops, "$JS.API.CONSUMER.INFO.THUMBNAILER_JOBS.thumbnailer")).toBe(true);
    expect(pub(ops, "$JS.API.STREAM.INFO.KV_stream-tokens")).toBe(false);
    expect(pub(ops, `$JS.API.STREAM.DELETE.${events}`)).toBe(false);
    expect(pub(ops, "catalogue.events.media.created")).toBe(false);
    expect(sub(ops, "catalogue.events.media.created")).toBe(false);
    expect(sub(ops, "_INBOX.ops.x")).toBe(true);
  });
});

describe("renderNatsAuthConfig", () => {
  const passwords = Object.fromEntries(NATS_ROLES.map((r) => [r, `pw-${r}-long-enough`]));

  it("writes one user per role with its permissions, and no anonymous user", () => {
    const text = renderNatsAuthConfig({ users: passwords });
    for (const role of NATS_ROLES) expect(text).toContain(`user: "${role}"`);
    expect(text).toContain('"$JS.API.INFO"');
    expect(text).toContain("allow_responses: true");
    expect(text).not.toMatch(/no_auth_user|accounts/);
  });

  it("uses a custom user name for its inbox, and refuses bad names and reuse", () => {
    const text = renderNatsAuthConfig({
      users: { ops: { user: "oncall", password: "x".repeat(12) } },
    });
    expect(text).toContain('"_INBOX.oncall.>"');
    expect(() =>
      renderNatsAuthConfig({ users: { ops: { user: "a.b", password: "x".repeat(12) } } }),
    ).toThrow(/user name/);
    expect(() =>
      renderNatsAuthConfig({
        users: {
          ops: { user: "same", password: "x".repeat(12) },
          integrator: { user: "same", password: "y".repeat(12) },
        },
      }),
    ).toThrow(/two roles/);
    expect(() => renderNatsAuthConfig({ users: {} })).toThrow(/no NATS users/);
  });

  it("renders a named account with env-referenced passwords and a system account (compose)", () => {
    const text = renderNatsAuthConfig({
      users: {
        auth: { user: "auth", passwordEnv: "NATS_PASSWORD_AUTH" },
        ops: { user: "ops", passwordEnv: "NATS_PASSWORD_OPS" },
      },
      account: "STREAMSTACK",
      system: { account: "SYS", user: "sys", passwordEnv: "NATS_SYS_PASSWORD" },
    });
    expect(text).toContain("STREAMSTACK {\n    jetstream: enabled");
    expect(text).toContain('user: "auth", password: $NATS_PASSWORD_AUTH,');
    expect(text).toContain('users: [{ user: "sys", password: $NATS_SYS_PASSWORD }]');
    expect(text).toMatch(/^system_account: SYS$/m);
    expect(text).not.toContain("authorization");
    expect(() =>
      renderNatsAuthConfig({ users: { ops: { user: "ops", passwordEnv: "bad name" } } }),
    ).toThrow(/variable/);
  });

  it("can carry the server settings compose needs", () => {
    const text = renderNatsAuthConfig({
      users: { ops: "x".repeat(12) },
      server: { port: 4222, httpPort: 8222, jetStreamStoreDir: "/data" },
    });
    expect(text).toMatch(/^port: 4222$/m);
    expect(text).toMatch(/^http_port: 8222$/m);
    expect(text).toContain('jetstream { store_dir: "/data" }');
  });
});
