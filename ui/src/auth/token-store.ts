/**
 * Where the session's tokens live.
 *
 * The access token stays in memory only: a script injected into the page could use it
 * while the page is open, but it never outlives the tab. The refresh token is kept in
 * localStorage so a reload or a new tab stays signed in — the trade-off is that any
 * script running on this origin could read it. We accept that because the API speaks
 * bearer tokens (no cookie to make httpOnly), the gateway's CSP allows scripts from
 * 'self' only (no inline, no third-party origins), and refresh tokens rotate on every
 * use with reuse detection: a stolen and replayed token revokes its whole family.
 */
export const REFRESH_TOKEN_KEY = "streamstack.refresh_token";

export interface RefreshTokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

export function localRefreshTokenStore(storage: Storage): RefreshTokenStore {
  return {
    get: () => storage.getItem(REFRESH_TOKEN_KEY),
    set: (token) => storage.setItem(REFRESH_TOKEN_KEY, token),
    clear: () => storage.removeItem(REFRESH_TOKEN_KEY),
  };
}

/**
 * Runs `fn` while holding a lock shared by every tab of this origin, so two tabs never
 * present the same refresh token (the second would look like a replay and revoke the
 * family). Falls back to running directly where the Web Locks API is missing.
 */
export function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  if (!locks) return fn();
  return locks.request("streamstack.refresh", fn) as Promise<T>;
}
