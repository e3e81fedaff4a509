import type { Role, User } from "@streamstack/contracts";
import { eq } from "drizzle-orm";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { type schema, type UserRow, users } from "./schema.ts";

/** The auth database (or a transaction on it). */
export type AuthDb = PostgresJsDatabase<typeof schema>;

export interface NewUser {
  email: string;
  displayName: string | null;
  passwordHash: string;
  role: Role;
}

/** Inserts a user; `undefined` when the email is taken (case-insensitively). */
export async function insertUser(db: AuthDb, user: NewUser): Promise<UserRow | undefined> {
  const [row] = await db
    .insert(users)
    .values({ ...user, email: user.email.toLowerCase() })
    .onConflictDoNothing({ target: users.email })
    .returning();
  return row;
}

export async function findUserByEmail(db: AuthDb, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

export async function findUserById(db: AuthDb, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function updateUser(
  db: AuthDb,
  id: string,
  change: Partial<Pick<UserRow, "passwordHash" | "role">>,
): Promise<void> {
  await db
    .update(users)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(users.id, id));
}

/** The wire shape of API.md (`GET /me`, `POST /register`). */
export function toUserBody(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    display_name: row.displayName,
    role: row.role,
    created_at: row.createdAt.toISOString(),
  };
}
