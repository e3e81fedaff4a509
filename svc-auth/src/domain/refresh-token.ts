import { createHash, randomBytes } from "node:crypto";

/** A new opaque refresh token: 256 random bits, base64url (43 characters). */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * What the database keeps instead of the token: its SHA-256 (hex). A plain hash is
 * enough because the token is 256 random bits; a slow hash would only slow refresh.
 */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export interface RefreshTokenState {
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * What presenting a stored refresh token means. `reused`: it was already exchanged,
 * so two parties hold the family (one of them stole it) and the family must die.
 * A revoked family stays dead; expiry is checked last so that replaying an old,
 * rotated token still counts as reuse.
 */
export type RefreshVerdict = "valid" | "reused" | "revoked" | "expired";

export function judgeRefreshToken(state: RefreshTokenState, now: Date): RefreshVerdict {
  if (state.revokedAt) return "revoked";
  if (state.rotatedAt) return "reused";
  if (state.expiresAt.getTime() <= now.getTime()) return "expired";
  return "valid";
}
