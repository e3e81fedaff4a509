import { AppError, type RegisterRequest, type User } from "@streamstack/contracts";
import { type AuthDb, findUserById, insertUser, toUserBody } from "../db/users.ts";
import type { Passwords } from "./passwords.ts";

/** Accounts: self-registration (viewers only) and the caller's own profile. */
export function createAccounts(deps: {
  db: AuthDb;
  passwords: Passwords;
  registrationEnabled: boolean;
}) {
  return {
    async register(req: RegisterRequest): Promise<User> {
      if (!deps.registrationEnabled) {
        throw new AppError("forbidden", "registration is disabled; ask an admin for an account");
      }
      const row = await insertUser(deps.db, {
        email: req.email,
        displayName: req.display_name ?? null,
        passwordHash: await deps.passwords.hash(req.password),
        role: "viewer",
      });
      if (!row) throw new AppError("conflict", "an account with this email already exists");
      return toUserBody(row);
    },

    async me(userId: string): Promise<User> {
      const row = await findUserById(deps.db, userId);
      if (!row) throw new AppError("unauthorized", "this account no longer exists");
      return toUserBody(row);
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
