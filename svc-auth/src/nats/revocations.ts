import type { Revocation } from "@streamstack/contracts";
import { type KV, revokedJtiKey } from "@streamstack/contracts/server";
import type { RefreshTokenRow } from "../db/schema.ts";

/** Key of a revoked refresh token (by row id, never the token) in KV `revoked-tokens`. */
export const revokedRefreshKey = (id: string) => `refresh.${id}`;

/**
 * The platform-wide revocation list in KV `revoked-tokens`. Every verifier watches
 * the `jti.*` keys, so an access token written here is refused everywhere within
 * milliseconds. Refresh tokens are enforced by auth's own database; their entries
 * here tell operators and other readers what was revoked and why.
 */
export function createRevocationList(kv: KV) {
  const put = (key: string, expiresAt: Date, reason: Revocation["reason"], now: Date) => {
    const value: Revocation = {
      revoked_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      reason,
    };
    return kv.put(key, JSON.stringify(value));
  };
  return {
    revokeAccess(jti: string, expiresAt: Date, reason: Revocation["reason"], now = new Date()) {
      return put(revokedJtiKey(jti), expiresAt, reason, now);
    },
    /** Revokes revoked refresh-token rows and the access tokens issued with them (unexpired only). */
    async revokeSessions(rows: RefreshTokenRow[], reason: Revocation["reason"], now = new Date()) {
      const writes: Promise<number>[] = [];
      for (const row of rows) {
        if (row.accessExpiresAt > now) {
          writes.push(put(revokedJtiKey(row.accessJti), row.accessExpiresAt, reason, now));
        }
        if (row.expiresAt > now && !row.rotatedAt) {
          writes.push(put(revokedRefreshKey(row.id), row.expiresAt, reason, now));
        }
      }
      await Promise.all(writes);
    },
  };
}

export type RevocationList = ReturnType<typeof createRevocationList>;
