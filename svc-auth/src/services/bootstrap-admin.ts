import type { Logger } from "@streamstack/contracts/server";
import { sql } from "drizzle-orm";
import { revokeUserTokens } from "../db/refresh-tokens.ts";
import { type AuthDb, findUserByEmail, insertUser, updateUser } from "../db/users.ts";
import type { RevocationList } from "../nats/revocations.ts";
import type { Passwords } from "./passwords.ts";

export type BootstrapOutcome = "created" | "unchanged" | "promoted" | "password_reset";

/**
 * Makes sure the configured admin account exists, is an admin and has the configured
 * password. The account named by ADMIN_EMAIL belongs to the configuration: if someone
 * registered that email first, they are not promoted with their own password — the
 * password is reset to ADMIN_PASSWORD and their sessions are revoked. A restart with
 * the same settings changes nothing (the stored hash already verifies). Replicas
 * starting together serialize on an advisory lock.
 */
export async function ensureBootstrapAdmin(
  deps: { db: AuthDb; passwords: Passwords; revocations: RevocationList; logger: Logger },
  admin: { email: string; password: string },
): Promise<BootstrapOutcome> {
  const { outcome, revoked } = await deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('svc-auth:bootstrap-admin'))`);
    const user = await findUserByEmail(tx, admin.email);
    if (!user) {
      const passwordHash = await deps.passwords.hash(admin.password);
      await insertUser(tx, {
        email: admin.email,
        displayName: "Admin",
        passwordHash,
        role: "admin",
      });
      return { outcome: "created" as const, revoked: [] };
    }
    if (!(await deps.passwords.verify(user.passwordHash, admin.password))) {
      const passwordHash = await deps.passwords.hash(admin.password);
      await updateUser(tx, user.id, { passwordHash, role: "admin" });
      return {
        outcome: "password_reset" as const,
        revoked: await revokeUserTokens(tx, user.id, new Date()),
      };
    }
    if (user.role !== "admin") {
      await updateUser(tx, user.id, { role: "admin" });
      return { outcome: "promoted" as const, revoked: [] };
    }
    return { outcome: "unchanged" as const, revoked: [] };
  });
  await deps.revocations.revokeSessions(revoked, "admin");
  deps.logger.info({ email: admin.email, outcome }, "bootstrap admin ensured");
  return outcome;
}
