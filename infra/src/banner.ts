import { relative } from "node:path";
import type { NatsUsers } from "./nats-users.ts";
import type { AdminPassword } from "./secrets.ts";
import type { ServiceName } from "./service-env.ts";

export interface BannerFacts {
  root: string;
  gatewayUrl: string;
  adminEmail: string;
  admin: AdminPassword;
  natsUrl: string;
  natsMonitorUrl: string;
  /** Absent when NATS runs without users (NATS_AUTH=0). */
  natsUsers?: NatsUsers | undefined;
  postgresUrl: string;
  s3Endpoint: string;
  services: { name: ServiceName; port: number }[];
  missing: ServiceName[];
  logDir: string;
}

const passwordNote: Record<AdminPassword["source"], string> = {
  env: "from ADMIN_PASSWORD",
  generated: "generated on this first start, kept in",
  kept: "generated on an earlier start, kept in",
};

/** What a person needs after `npm start`: where to go, how to log in, where logs are. */
export function banner(f: BannerFacts): string {
  const rel = (p: string) => relative(f.root, p) || ".";
  const keptIn = f.admin.source === "env" ? "" : ` ${rel(f.admin.file)}`;
  const services = f.services.map((s) => `${s.name} :${s.port}`).join(", ") || "none";
  const lines = [
    "",
    "StreamStack is running",
    `  Gateway      ${f.gatewayUrl}`,
    `  Admin login  ${f.adminEmail} / ${f.admin.password}`,
    `               (${passwordNote[f.admin.source]}${keptIn})`,
    `  NATS         ${f.natsUrl}   monitoring ${f.natsMonitorUrl}`,
    ...natsAccounts(f, rel),
    `  Postgres     ${f.postgresUrl}`,
    `  S3 (s3rver)  ${f.s3Endpoint}   buckets media, thumbnails`,
    `  Services     ${services}`,
    ...(f.missing.length > 0
      ? [`  Not started  ${f.missing.map((s) => `svc-${s}`).join(", ")} (no src/main.ts yet)`]
      : []),
    `  Logs         ${rel(f.logDir)}/`,
    "",
    "Ctrl-C to stop.",
    "",
  ];
  return lines.join("\n");
}

const natsNote: Record<NatsUsers["opsSource"], string> = {
  env: "from env",
  generated: "generated now",
  kept: "kept",
};

/** The integrator and operator NATS logins (API.md), or a warning that NATS is open. */
function natsAccounts(f: BannerFacts, rel: (p: string) => string): string[] {
  const u = f.natsUsers;
  if (!u) return ["               no NATS users (NATS_AUTH=0): anyone on this host may connect"];
  const line = (label: string, role: "integrator" | "ops", source: NatsUsers["opsSource"]) =>
    `  ${label} ${u.byRole[role].user} / ${u.byRole[role].password}   (${natsNote[source]})`;
  return [
    line("NATS integr.", "integrator", u.integratorSource),
    line("NATS ops    ", "ops", u.opsSource),
    `               service users in ${rel(u.file)}`,
  ];
}
