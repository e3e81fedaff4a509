import { randomUUID } from "node:crypto";
import { type AccessClaims, AppError, type TokenPair } from "@streamstack/contracts";
import {
  findRefreshToken,
  insertRefreshToken,
  lockRefreshToken,
  markRotated,
  revokeFamily,
} from "../db/refresh-tokens.ts";
import type { RefreshTokenRow, UserRow } from "../db/schema.ts";
import { type AuthDb, findUserByEmail, findUserById } from "../db/users.ts";
import { hashRefreshToken, judgeRefreshToken, newRefreshToken } from "../domain/refresh-token.ts";
import { signAccessToken } from "../keys/access-token.ts";
import type { SigningKey } from "../keys/signing-key.ts";
import type { RevocationList } from "../nats/revocations.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { Passwords } from "./passwords.ts";

export interface SessionDeps {
  db: AuthDb;
  key: SigningKey;
  passwords: Passwords;
  throttle: LoginThrottle;
  revocations: RevocationList;
  /** Resolves once this replica's own verifier refuses the jti (bounded wait). */
  awaitRevoked(jti: string): Promise<void>;
  /** Counts outcomes for /metrics. */
  count(event: "login" | "refresh", outcome: string): void;
  issuer: string;
  accessTtlS: number;
  refreshTtlS: number;
}

const badCredentials = () => new AppError("unauthorized", "wrong email or password");
const badRefresh = (why: string) =>
  new AppError("unauthorized", `refresh token ${why}; sign in again`);

/** Sign-in sessions: login, refresh with rotation and reuse detection, logout. */
export function createSessions(deps: SessionDeps) {
  const { db } = deps;

  async function issuePair(tx: AuthDb, user: UserRow, familyId: string): Promise<TokenPair> {
    const now = new Date();
    const access = await signAccessToken(
      deps.key,
      { sub: user.id, role: user.role },
      { issuer: deps.issuer, ttlS: deps.accessTtlS, now },
    );
    const refresh = newRefreshToken();
    await insertRefreshToken(tx, {
      userId: user.id,
      familyId,
      tokenHash: hashRefreshToken(refresh),
      accessJti: access.jti,
      accessExpiresAt: access.expiresAt,
      expiresAt: new Date(now.getTime() + deps.refreshTtlS * 1000),
    });
    return {
      access_token: access.token,
      refresh_token: refresh,
      token_type: "Bearer",
      expires_in: deps.accessTtlS,
      refresh_expires_in: deps.refreshTtlS,
    };
  }

  async function revokeFamilyEverywhere(familyId: string, reason: "logout" | "refresh_reuse") {
    const rows = await revokeFamily(db, familyId, new Date());
    await deps.revocations.revokeSessions(rows, reason);
    return rows;
  }

  return {
    async login(email: string, password: string, ip: string): Promise<TokenPair> {
      try {
        await deps.throttle.assertAllowed(email, ip);
      } catch (err) {
        deps.count("login", "throttled");
        throw err;
      }
      const user = await findUserByEmail(db, email);
      const ok = user
        ? await deps.passwords.verify(user.passwordHash, password)
        : await deps.passwords.verifyNobody(password);
      if (!user || !ok) {
        await deps.throttle.recordFailure(email, ip);
        deps.count("login", "failed");
        throw badCredentials();
      }
      await deps.throttle.recordSuccess(email);
      deps.count("login", "ok");
      return issuePair(db, user, randomUUID());
    },

    async refresh(token: string): Promise<TokenPair> {
      const now = new Date();
      // Judged under a row lock; the reuse response happens after commit.
      const outcome = await db.transaction(async (tx) => {
        const row = await lockRefreshToken(tx, hashRefreshToken(token));
        if (!row) return { verdict: "unknown" as const };
        const verdict = judgeRefreshToken(row, now);
        if (verdict !== "valid") return { verdict, row };
        const user = await findUserById(tx, row.userId);
        if (!user) return { verdict: "unknown" as const };
        await markRotated(tx, row.id, now);
        return { verdict, row, pair: await issuePair(tx, user, row.familyId) };
      });
      deps.count("refresh", outcome.verdict);
      switch (outcome.verdict) {
        case "valid":
          return outcome.pair;
        case "reused":
          await revokeFamilyEverywhere(outcome.row.familyId, "refresh_reuse");
          throw badRefresh("was already used, so its session has been revoked");
        case "revoked":
          throw badRefresh("has been revoked");
        case "expired":
          throw badRefresh("has expired");
        case "unknown":
          throw badRefresh("is not valid");
      }
    },

    /**
     * Revokes the caller's access token for every service and, when given, the
     * refresh token's whole session. A refresh token of someone else (or an unknown
     * one) is ignored: logout stays idempotent and reveals nothing.
     */
    async logout(claims: AccessClaims, refreshToken: string | undefined): Promise<void> {
      await deps.revocations.revokeAccess(claims.jti, new Date(claims.exp * 1000), "logout");
      let row: RefreshTokenRow | undefined;
      if (refreshToken) row = await findRefreshToken(db, hashRefreshToken(refreshToken));
      if (row && row.userId === claims.sub) await revokeFamilyEverywhere(row.familyId, "logout");
      await deps.awaitRevoked(claims.jti);
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
