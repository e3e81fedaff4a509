import { AppError } from "@streamstack/contracts";
import { clearFailures, recentFailures, recordFailure } from "../db/login-failures.ts";
import type { AuthDb } from "../db/users.ts";
import { judgeFailures, strictest, throttleKey } from "../domain/throttle.ts";

export interface ThrottleLimits {
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  windowS: number;
}

/**
 * Failed-login throttling per email and per client IP, kept in Postgres so every
 * replica sees the same counts. Check-then-record is not atomic: concurrent attempts
 * may pass a few failures over the limit, which bounds guessing just as well.
 */
export function createLoginThrottle(db: AuthDb, limits: ThrottleLimits) {
  const windowMs = limits.windowS * 1000;
  const keys = (email: string, ip: string) => [throttleKey.email(email), throttleKey.ip(ip)];
  return {
    /** Throws 429 (with `retry_after_s`) while the email or the IP is blocked. */
    async assertAllowed(email: string, ip: string): Promise<void> {
      const [byEmail, byIp] = await Promise.all([
        recentFailures(db, throttleKey.email(email), limits.windowS, limits.maxFailuresPerEmail),
        recentFailures(db, throttleKey.ip(ip), limits.windowS, limits.maxFailuresPerIp),
      ]);
      const verdict = strictest([
        judgeFailures(
          byEmail.failuresMs,
          { maxFailures: limits.maxFailuresPerEmail, windowMs },
          byEmail.nowMs,
        ),
        judgeFailures(
          byIp.failuresMs,
          { maxFailures: limits.maxFailuresPerIp, windowMs },
          byIp.nowMs,
        ),
      ]);
      if (verdict.blocked) {
        throw new AppError("too_many_requests", "too many failed sign-ins; try again later", {
          retry_after_s: verdict.retryAfterS,
        });
      }
    },
    recordFailure: (email: string, ip: string) =>
      recordFailure(db, keys(email, ip), limits.windowS),
    /**
     * A successful sign-in forgets the email's failures. The IP's stay: one valid
     * account must not reset an address that is guessing at other accounts.
     */
    recordSuccess: (email: string) => clearFailures(db, [throttleKey.email(email)]),
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
