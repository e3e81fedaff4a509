// `npm run compose:secrets -w infra`: creates the files compose reads from ./secrets/ (any
// that are missing; existing ones are kept), and renders the NATS users with their
// permissions (contracts/src/nats/permissions.ts) into secrets/nats_auth_conf from the
// per-role password files. Re-run it after a permissions change, then restart the NATS nodes.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NATS_ROLES, type NatsRole, renderNatsAuthConfig } from "@streamstack/contracts/server";

/** The secret file holding a NATS role's password (user name = role). */
export const natsPasswordSecret = (role: NatsRole) => `nats_${role}_password`;
export const NATS_AUTH_SECRET = "nats_auth_conf";

const password = () => randomBytes(24).toString("base64url");

/** What each generated secret file holds, by name. */
export const SECRET_MAKERS: Record<string, () => string> = {
  postgres_password: password,
  admin_password: password,
  s3_access_key: () => "streamstack",
  s3_secret_key: password,
  grafana_admin_password: password,
  jwt_private_key: () =>
    generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string,
  ...Object.fromEntries(NATS_ROLES.map((r) => [natsPasswordSecret(r), password])),
};

/** Creates missing secrets under dir and (re)renders nats_auth_conf; returns what it created. */
export function initSecrets(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const created: string[] = [];
  for (const [name, make] of Object.entries(SECRET_MAKERS)) {
    const file = join(dir, name);
    if (existsSync(file)) continue;
    writeFileSync(file, make());
    created.push(name);
  }
  const users = Object.fromEntries(
    NATS_ROLES.map((r) => [r, readFileSync(join(dir, natsPasswordSecret(r)), "utf8").trim()]),
  );
  writeFileSync(join(dir, NATS_AUTH_SECRET), renderNatsAuthConfig({ users }));
  // Containers read them as other users (node uid 1000, postgres uid 70): world-readable
  // files in an owner-only folder.
  for (const name of [...Object.keys(SECRET_MAKERS), NATS_AUTH_SECRET]) {
    chmodSync(join(dir, name), 0o644);
  }
  return created;
}
