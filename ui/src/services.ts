import { createEffect, createRoot, createSignal, on } from "solid-js";
import { Upload } from "tus-js-client";
import { createApiClient } from "./api/client.ts";
import type { AppServices } from "./app-context.tsx";
import { createSession, type Session, watchStorageCleared } from "./auth/session.ts";
import { localRefreshTokenStore, REFRESH_TOKEN_KEY } from "./auth/token-store.ts";
import type { TusFactory } from "./upload/upload-item.ts";
import { createUploadQueue } from "./upload/upload-queue.ts";

/** Wires the app's services from a fetch, a session and a tus factory (tests pass fakes). */
export function createServices(
  session: Session,
  fetchImpl: typeof fetch,
  tus: TusFactory,
): AppServices {
  const api = createApiClient(session, fetchImpl);
  const uploads = createUploadQueue({ api, session, tus });
  const [disabled, setDisabled] = createSignal(false);
  // Signing out (here or in another tab) ends the uploads and the live status feed too.
  createRoot(() =>
    createEffect(
      on(
        () => session.state().status,
        (status) => {
          if (status === "signed-out") uploads.clear();
        },
      ),
    ),
  );
  return { session, api, tus, uploads, registration: { disabled, setDisabled } };
}

/** The composition root's wiring: the browser's fetch, localStorage and tus. */
export function createBrowserServices(): AppServices {
  const fetchImpl: typeof fetch = (input, init) => globalThis.fetch(input, init);
  const session = createSession({
    fetch: fetchImpl,
    refreshTokens: localRefreshTokenStore(window.localStorage),
    onStorageCleared: watchStorageCleared(REFRESH_TOKEN_KEY),
  });
  return createServices(session, fetchImpl, (file, options) => new Upload(file, options));
}
