import { TokenPair, User } from "@streamstack/contracts";
import { type Accessor, createSignal } from "solid-js";
import { errorFromResponse } from "../api/errors.ts";
import { REFRESH_RETRY_MS, refreshDelayMs } from "./refresh-schedule.ts";
import { type RefreshTokenStore, withRefreshLock } from "./token-store.ts";

export const SESSION_ENDED = "Your session ended, sign in again.";

export type SessionState =
  | { status: "restoring" }
  | { status: "signed-out"; message?: string }
  | { status: "signed-in"; user: User };

/** `ok`: new tokens; `rejected`: the refresh token is dead; `unavailable`: try again later. */
export type RefreshOutcome = "ok" | "rejected" | "unavailable";

export interface Session {
  state: Accessor<SessionState>;
  accessToken(): string | undefined;
  /** Signs in; throws ApiError (401 wrong credentials, 429 throttled). */
  login(email: string, password: string): Promise<void>;
  /** Uses the stored refresh token, if any, to sign in again after a reload. */
  restore(): Promise<void>;
  /** Rotates the tokens once, however many callers ask at the same time. */
  refresh(): Promise<RefreshOutcome>;
  logout(): Promise<void>;
  /** Ends the session because the server no longer accepts it. */
  end(message?: string): void;
  dispose(): void;
}

export interface SessionDeps {
  fetch: typeof fetch;
  refreshTokens: RefreshTokenStore;
  /** Called when another tab signs out (the stored refresh token disappears). */
  onStorageCleared?: (listener: () => void) => () => void;
}

const AUTH = "/api/v1/auth";

export function createSession(deps: SessionDeps): Session {
  const [state, setState] = createSignal<SessionState>({ status: "restoring" });
  let access: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: Promise<RefreshOutcome> | undefined;

  const post = (path: string, body: unknown, token?: string) =>
    deps.fetch(`${AUTH}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });

  function schedule(ms: number) {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const outcome = await refresh();
      if (outcome === "rejected") end(SESSION_ENDED);
      else if (outcome === "unavailable") schedule(REFRESH_RETRY_MS);
    }, ms);
  }

  function applyTokens(pair: TokenPair) {
    access = pair.access_token;
    deps.refreshTokens.set(pair.refresh_token);
    schedule(refreshDelayMs(pair.expires_in));
  }

  async function loadUser() {
    const res = await deps.fetch(`${AUTH}/me`, { headers: { authorization: `Bearer ${access}` } });
    if (!res.ok) throw await errorFromResponse(res);
    setState({ status: "signed-in", user: User.parse(await res.json()) });
  }

  async function rotate(): Promise<RefreshOutcome> {
    // Read the token inside the lock: another tab may have rotated it a moment ago.
    const current = deps.refreshTokens.get();
    if (!current) return "rejected";
    let res: Response;
    try {
      res = await post("/refresh", { refresh_token: current });
    } catch {
      return "unavailable";
    }
    if (res.ok) {
      applyTokens(TokenPair.parse(await res.json()));
      return "ok";
    }
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      if (deps.refreshTokens.get() === current) deps.refreshTokens.clear();
      return "rejected";
    }
    return "unavailable";
  }

  function refresh(): Promise<RefreshOutcome> {
    inflight ??= withRefreshLock(rotate).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  function clearLocal() {
    clearTimeout(timer);
    access = undefined;
    deps.refreshTokens.clear();
  }

  function end(message?: string) {
    const wasSignedIn = state().status !== "signed-out";
    clearLocal();
    if (wasSignedIn)
      setState(message ? { status: "signed-out", message } : { status: "signed-out" });
  }

  const stopWatchingStorage = deps.onStorageCleared?.(() => {
    if (state().status === "signed-in") end("You signed out in another tab.");
  });

  return {
    state,
    accessToken: () => access,
    refresh,
    end,
    async login(email, password) {
      const res = await post("/login", { email, password });
      if (!res.ok) throw await errorFromResponse(res);
      applyTokens(TokenPair.parse(await res.json()));
      await loadUser();
    },
    async restore() {
      if (!deps.refreshTokens.get()) return void setState({ status: "signed-out" });
      const outcome = await refresh();
      if (outcome === "ok") {
        try {
          return await loadUser();
        } catch {
          // fall through: treat a failing /me like a failed restore
        }
      }
      if (outcome === "unavailable") {
        // Keep the refresh token: the server may be back in a moment.
        clearTimeout(timer);
        access = undefined;
        return void setState({
          status: "signed-out",
          message: "The server could not be reached to restore your session.",
        });
      }
      clearLocal();
      setState({ status: "signed-out", message: SESSION_ENDED });
    },
    async logout() {
      const token = access;
      const refreshToken = deps.refreshTokens.get();
      clearLocal();
      setState({ status: "signed-out" });
      if (!token) return;
      // Best effort: even if the server is unreachable the tokens are gone from this tab.
      await post("/logout", refreshToken ? { refresh_token: refreshToken } : {}, token).catch(
        () => undefined,
      );
    },
    dispose() {
      clearTimeout(timer);
      stopWatchingStorage?.();
    },
  };
}

/** Reports when another tab removes the refresh token (signs out). */
export function watchStorageCleared(key: string) {
  return (listener: () => void) => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === key && e.newValue === null) listener();
      if (e.key === null) listener(); // localStorage.clear()
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  };
}
