// The local stack's NATS users: one per service (generated once, kept under the data folder),
// plus the integrator and operator accounts of API.md (from env, else generated and kept).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { NATS_ROLES, type NatsRole } from "@streamstack/contracts/server";

export interface NatsUser {
  user: string;
  password: string;
}

/** Where a person-facing account's credentials came from (for the banner). */
export type CredentialSource = "env" | "generated" | "kept";

export interface NatsUsers {
  byRole: Record<NatsRole, NatsUser>;
  integratorSource: CredentialSource;
  opsSource: CredentialSource;
  file: string;
}

type OutsideEnv = Partial<
  Record<
    "INTEGRATOR_NATS_USER" | "INTEGRATOR_NATS_PASSWORD" | "OPS_NATS_USER" | "OPS_NATS_PASSWORD",
    string
  >
>;

/**
 * Reads `<dataDir>/keys/nats-users.json` (mode 600), adds a password for any role it lacks and
 * writes it back; INTEGRATOR_/OPS_NATS_USER and _PASSWORD override what is kept.
 */
export function ensureNatsUsers(dataDir: string, env: OutsideEnv = {}): NatsUsers {
  // keys/ (mode 700) rather than the data folder itself, which Postgres must be able to enter.
  const file = join(dataDir, "keys", "nats-users.json");
  const kept: Partial<Record<NatsRole, NatsUser>> = existsSync(file)
    ? JSON.parse(readFileSync(file, "utf8"))
    : {};
  const byRole = {} as Record<NatsRole, NatsUser>;
  let changed = false;
  for (const role of NATS_ROLES) {
    const prior = kept[role];
    if (prior) byRole[role] = prior;
    else {
      byRole[role] = { user: role, password: randomBytes(18).toString("base64url") };
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true }); // a recursive mkdir would give it mode 700 too
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(byRole, null, 2)}\n`, { mode: 0o600 });
  }
  const outside = (role: "integrator" | "ops", user?: string, password?: string) => {
    const source: CredentialSource = password ? "env" : kept[role] ? "kept" : "generated";
    byRole[role] = { user: user || byRole[role].user, password: password || byRole[role].password };
    return source;
  };
  return {
    byRole,
    integratorSource: outside("integrator", env.INTEGRATOR_NATS_USER, env.INTEGRATOR_NATS_PASSWORD),
    opsSource: outside("ops", env.OPS_NATS_USER, env.OPS_NATS_PASSWORD),
    file,
  };
}
