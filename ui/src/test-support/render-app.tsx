import { createMemoryHistory, MemoryRouter } from "@solidjs/router";
import { render } from "@solidjs/testing-library";
import type { User } from "@streamstack/contracts";
import { AppRoutes } from "../app.tsx";
import { AppProvider, type AppServices } from "../app-context.tsx";
import { createSession } from "../auth/session.ts";
import { localRefreshTokenStore } from "../auth/token-store.ts";
import { Layout } from "../components/Layout.tsx";
import { createServices } from "../services.ts";
import type { TusFactory } from "../upload/upload-item.ts";

export interface RenderAppOptions {
  fetch: typeof fetch;
  /** Signs in (through the fake /auth/login) before rendering. */
  signedInAs?: User["role"];
  tus?: TusFactory;
}

const noTus: TusFactory = () => {
  throw new Error("this test did not expect an upload");
};

/** Renders the whole app at `path` with fake services; returns the history to inspect. */
export async function renderApp(path: string, opts: RenderAppOptions) {
  const session = createSession({
    fetch: opts.fetch,
    refreshTokens: localRefreshTokenStore(localStorage),
  });
  if (opts.signedInAs) await session.login(`${opts.signedInAs}@example.test`, "password123");
  else await session.restore();
  const services: AppServices = createServices(session, opts.fetch, opts.tus ?? noTus);
  const history = createMemoryHistory();
  history.set({ value: path });
  const result = render(() => (
    <AppProvider services={services}>
      <MemoryRouter history={history} root={Layout}>
        <AppRoutes />
      </MemoryRouter>
    </AppProvider>
  ));
  return { ...result, history, services, session };
}
