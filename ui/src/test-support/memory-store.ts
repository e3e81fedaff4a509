import type { RefreshTokenStore } from "../auth/token-store.ts";

/** A refresh-token store in a variable, for tests that run without localStorage. */
export function memoryRefreshStore(initial: string | null = null): RefreshTokenStore & {
  value: string | null;
} {
  const store = {
    value: initial,
    get: () => store.value,
    set: (token: string) => {
      store.value = token;
    },
    clear: () => {
      store.value = null;
    },
  };
  return store;
}
