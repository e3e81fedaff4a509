/**
 * Login throttling as a sliding window over recent failed attempts: a key (an email
 * or a client IP) is blocked while it has `maxFailures` failures younger than
 * `windowMs`. Blocked attempts are not counted, so waiting always ends the block.
 */
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
}

export type ThrottleVerdict = { blocked: false } | { blocked: true; retryAfterS: number };

/**
 * Decides from the failure times (ms since epoch, any order) whether a key is blocked
 * at `nowMs`, and for how long: until the `maxFailures`-th most recent failure leaves
 * the window, which brings the count below the limit again.
 */
export function judgeFailures(
  failuresMs: readonly number[],
  rule: ThrottleRule,
  nowMs: number,
): ThrottleVerdict {
  const recent = failuresMs
    .filter((t) => t > nowMs - rule.windowMs && t <= nowMs)
    .sort((a, b) => b - a);
  const pivot = recent[rule.maxFailures - 1];
  if (pivot === undefined) return { blocked: false };
  const waitMs = pivot + rule.windowMs - nowMs;
  return { blocked: true, retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** The strictest of several verdicts (e.g. per email and per IP): the longest wait wins. */
export function strictest(verdicts: readonly ThrottleVerdict[]): ThrottleVerdict {
  let retryAfterS = 0;
  for (const v of verdicts) if (v.blocked) retryAfterS = Math.max(retryAfterS, v.retryAfterS);
  return retryAfterS > 0 ? { blocked: true, retryAfterS } : { blocked: false };
}

/** Throttle keys never collide across kinds (an IP can never look like an email). */
export const throttleKey = {
  email: (email: string) => `email:${email.toLowerCase()}`,
  ip: (ip: string) => `ip:${ip}`,
};
