import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const role = pgEnum("role", ["viewer", "admin"]);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Stored lower-case (the check enforces it), so the unique index is case-insensitive. */
    email: text("email").notNull(),
    displayName: text("display_name"),
    /** argon2id PHC string. */
    passwordHash: text("password_hash").notNull(),
    role: role("role").notNull().default("viewer"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    check("users_email_lower_case", sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * One row per refresh token ever issued; the raw token is never stored, only its
 * SHA-256. Tokens chained by rotation share a `family_id` (one sign-in session).
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: uuid("family_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The access token issued together with this refresh token, revoked with the family. */
    accessJti: text("access_jti").notNull(),
    accessExpiresAt: at("access_expires_at").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    expiresAt: at("expires_at").notNull(),
    rotatedAt: at("rotated_at"),
    revokedAt: at("revoked_at"),
  },
  (t) => [
    uniqueIndex("refresh_tokens_token_hash_key").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
    index("refresh_tokens_user_idx").on(t.userId),
  ],
);

/**
 * Failed sign-ins, for throttling shared by every replica. `subject` is a throttle
 * key (`email:<email>` or `ip:<address>`); rows older than the window are pruned.
 */
export const loginFailures = pgTable(
  "login_failures",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    subject: text("subject").notNull(),
    failedAt: at("failed_at").notNull().defaultNow(),
  },
  (t) => [
    index("login_failures_subject_idx").on(t.subject, t.failedAt),
    index("login_failures_failed_at_idx").on(t.failedAt),
  ],
);

export const schema = { users, refreshTokens, loginFailures, role };
export type UserRow = typeof users.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
