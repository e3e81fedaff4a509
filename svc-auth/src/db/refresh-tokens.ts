import { and, eq, isNull } from "drizzle-orm";
import { type RefreshTokenRow, refreshTokens } from "./schema.ts";
import type { AuthDb } from "./users.ts";

export type NewRefreshToken = Pick<
  RefreshTokenRow,
  "userId" | "familyId" | "tokenHash" | "accessJti" | "accessExpiresAt" | "expiresAt"
>;

export async function insertRefreshToken(db: AuthDb, token: NewRefreshToken): Promise<void> {
  await db.insert(refreshTokens).values(token);
}

/**
 * Finds a token by hash and locks its row until the transaction ends, so two
 * concurrent refreshes with the same token are judged one after the other (the
 * second sees the first's rotation and counts as reuse).
 */
export async function lockRefreshToken(
  tx: AuthDb,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  const [row] = await tx
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .for("update");
  return row;
}

export async function findRefreshToken(
  db: AuthDb,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
  return row;
}

export async function markRotated(tx: AuthDb, id: string, at: Date): Promise<void> {
  await tx.update(refreshTokens).set({ rotatedAt: at }).where(eq(refreshTokens.id, id));
}

/** Revokes every not-yet-revoked token of a family; returns them (for the KV revocations). */
export function revokeFamily(db: AuthDb, familyId: string, at: Date): Promise<RefreshTokenRow[]> {
  return db
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .returning();
}

/** Revokes every session of a user (e.g. when the bootstrap admin's password is reset). */
export function revokeUserTokens(db: AuthDb, userId: string, at: Date): Promise<RefreshTokenRow[]> {
  return db
    .update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
    .returning();
}
