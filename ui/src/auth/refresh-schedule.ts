/** Refresh this long before the access token expires (API.md: 30 min tokens). */
export const REFRESH_LEAD_S = 60;
/** After a refresh failed for a transient reason (network, 5xx), try again this soon. */
export const REFRESH_RETRY_MS = 15_000;

/**
 * Milliseconds from now until the silent refresh of a token valid for `expiresInS`
 * seconds: ~60 s before expiry, but never later than halfway for short-lived tokens
 * and never sooner than a second (a server sending `expires_in: 0` must not spin us).
 */
export function refreshDelayMs(expiresInS: number, leadS = REFRESH_LEAD_S): number {
  if (!Number.isFinite(expiresInS) || expiresInS <= 0) return 1000;
  const lead = Math.min(leadS, expiresInS / 2);
  return Math.max(1000, Math.round((expiresInS - lead) * 1000));
}

/**
 * Milliseconds until a new stream token should be fetched for one expiring at
 * `expiresAt` (ISO); 0 means now. Same lead as access tokens.
 */
export function renewDelayMs(expiresAt: string, nowMs: number, leadS = REFRESH_LEAD_S): number {
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return 0;
  const validS = (at - nowMs) / 1000;
  if (validS <= 0) return 0;
  const lead = Math.min(leadS, validS / 2);
  return Math.max(0, Math.round((validS - lead) * 1000));
}
