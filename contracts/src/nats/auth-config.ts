/**
 * Renders the platform's NATS users into nats-server config text: one user per role,
 * all in the one (global) account so services, integrators and operators share the
 * same streams; no `no_auth_user`, so a client without credentials is refused.
 */
import { NATS_ROLES, type NatsPermissions, type NatsRole, permissionsFor } from "./permissions.ts";

/** A role's credentials: a password (user name = role) or an explicit user name. */
export type NatsCredential = string | { user: string; password: string };

export interface NatsAuthConfigOptions {
  /** Credentials per role; roles left out get no user. */
  users: Partial<Record<NatsRole, NatsCredential>>;
  /**
   * Server settings to write too (compose); the local stack and tests pass ports and
   * JetStream as flags instead, which the config leaves alone.
   */
  server?: { port?: number; httpPort?: number; jetStreamStoreDir?: string };
}

/** A user name must be one subject token: it becomes the inbox prefix `_INBOX.<user>`. */
const USER_NAME = /^[A-Za-z0-9_-]+$/;

/** The credential of a role as `{user, password}`. */
export function natsCredential(role: NatsRole, c: NatsCredential) {
  return typeof c === "string" ? { user: role, password: c } : c;
}

/** nats-server config text for the given users (see NatsAuthConfigOptions). */
export function renderNatsAuthConfig(opts: NatsAuthConfigOptions): string {
  const q = (s: string) => JSON.stringify(s);
  const list = (xs: string[]) => `[${xs.map(q).join(", ")}]`;
  const perms = (p: NatsPermissions) => {
    const side = (s: { allow: string[]; deny: string[] }) =>
      `{ allow: ${list(s.allow)}${s.deny.length ? `, deny: ${list(s.deny)}` : ""} }`;
    const responses = p.allowResponses ? ", allow_responses: true" : "";
    return `{ publish: ${side(p.publish)}, subscribe: ${side(p.subscribe)}${responses} }`;
  };
  const seen = new Set<string>();
  const users: string[] = [];
  for (const role of NATS_ROLES) {
    const given = opts.users[role];
    if (given === undefined) continue;
    const { user, password } = natsCredential(role, given);
    if (!USER_NAME.test(user)) throw new Error(`NATS user name ${q(user)} must match ${USER_NAME}`);
    if (seen.has(user)) throw new Error(`NATS user ${q(user)} is given to two roles`);
    if (password.length < 8) throw new Error(`NATS password of ${q(user)} is too short`);
    seen.add(user);
    const p = perms(permissionsFor(role, user));
    users.push(`    { user: ${q(user)}, password: ${q(password)}, permissions: ${p} }`);
  }
  if (users.length === 0) throw new Error("no NATS users: the server would refuse everyone");
  const server = opts.server ?? {};
  return [
    "# Generated from contracts/src/nats/permissions.ts (renderNatsAuthConfig): do not edit.",
    ...(server.port !== undefined ? [`port: ${server.port}`] : []),
    ...(server.httpPort !== undefined ? [`http_port: ${server.httpPort}`] : []),
    ...(server.jetStreamStoreDir !== undefined
      ? [`jetstream { store_dir: ${q(server.jetStreamStoreDir)} }`]
      : []),
    "authorization {",
    "  users = [",
    users.join(",\n"),
    "  ]",
    "}",
    "",
  ].join("\n");
}
