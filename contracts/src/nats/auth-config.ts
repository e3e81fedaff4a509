/**
 * Renders the platform's NATS users into nats-server config text: one user per role,
 * all in the one (global) account so services, integrators and operators share the
 * same streams; no `no_auth_user`, so a client without credentials is refused.
 */
import { NATS_ROLES, type NatsPermissions, type NatsRole, permissionsFor } from "./permissions.ts";

/**
 * A role's credentials: a password (user name = role), or a user name with a password or
 * with the environment variable nats-server reads it from (`$VAR`, for compose secrets).
 */
export type NatsCredential =
  | string
  | { user: string; password: string }
  | { user: string; passwordEnv: string };

export interface NatsAuthConfigOptions {
  /** Credentials per role; roles left out get no user. */
  users: Partial<Record<NatsRole, NatsCredential>>;
  /**
   * Server settings to write too (compose); the local stack and tests pass ports and
   * JetStream as flags instead, which the config leaves alone.
   */
  server?: { port?: number; httpPort?: number; jetStreamStoreDir?: string };
  /**
   * Put the users in this named account (JetStream enabled) instead of the global one,
   * e.g. for a cluster that also has a system account.
   */
  account?: string;
  /** A system account with one user (monitoring tools, `nats server` commands). */
  system?: { account: string; user: string; passwordEnv: string };
}

/** A user name must be one subject token: it becomes the inbox prefix `_INBOX.<user>`. */
const USER_NAME = /^[A-Za-z0-9_-]+$/;

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** The credential of a role as `{user, password}` or `{user, passwordEnv}`. */
export function natsCredential(role: NatsRole, c: NatsCredential) {
  return typeof c === "string" ? { user: role, password: c } : c;
}

/** A password as config text: quoted, or a `$VAR` reference nats-server resolves. */
function passwordText(c: ReturnType<typeof natsCredential>): string {
  if ("password" in c) {
    if (c.password.length < 8) throw new Error(`NATS password of "${c.user}" is too short`);
    return JSON.stringify(c.password);
  }
  if (!ENV_NAME.test(c.passwordEnv)) throw new Error(`bad variable name ${c.passwordEnv}`);
  return `$${c.passwordEnv}`;
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
    const credential = natsCredential(role, given);
    const { user } = credential;
    if (!USER_NAME.test(user)) throw new Error(`NATS user name ${q(user)} must match ${USER_NAME}`);
    if (seen.has(user)) throw new Error(`NATS user ${q(user)} is given to two roles`);
    seen.add(user);
    const p = perms(permissionsFor(role, user));
    users.push(`{ user: ${q(user)}, password: ${passwordText(credential)}, permissions: ${p} }`);
  }
  if (users.length === 0) throw new Error("no NATS users: the server would refuse everyone");
  const server = opts.server ?? {};
  const userList = (indent: string) => [
    `${indent}users: [`,
    ...users.map((u) => `${indent}  ${u}`),
    `${indent}]`,
  ];
  const { system } = opts;
  const auth = opts.account
    ? [
        "accounts {",
        `  ${opts.account} {`,
        "    jetstream: enabled",
        ...userList("    "),
        "  }",
        ...(system
          ? [
              `  ${system.account} {`,
              `    users: [{ user: ${q(system.user)}, password: ${passwordText(system)} }]`,
              "  }",
            ]
          : []),
        "}",
        ...(system ? [`system_account: ${system.account}`] : []),
      ]
    : ["authorization {", ...userList("  "), "}"];
  return [
    "# Generated from contracts/src/nats/permissions.ts (renderNatsAuthConfig): do not edit.",
    ...(server.port !== undefined ? [`port: ${server.port}`] : []),
    ...(server.httpPort !== undefined ? [`http_port: ${server.httpPort}`] : []),
    ...(server.jetStreamStoreDir !== undefined
      ? [`jetstream { store_dir: ${q(server.jetStreamStoreDir)} }`]
      : []),
    ...auth,
    "",
  ].join("\n");
}
