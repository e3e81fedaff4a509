import { createContext, type JSX, useContext } from "solid-js";
import type { ApiClient } from "./api/client.ts";
import type { Session } from "./auth/session.ts";
import type { TusFactory } from "./upload/upload-item.ts";
import type { UploadQueue } from "./upload/upload-queue.ts";

/** What every page needs, created once at the composition root (main.tsx) or by a test. */
export interface AppServices {
  session: Session;
  api: ApiClient;
  tus: TusFactory;
  /** The admin's uploads, alive across page changes. */
  uploads: UploadQueue;
  /** Registration was switched off by the server (it answered 403): hide its links. */
  registration: { disabled(): boolean; setDisabled(v: boolean): void };
}

const AppContext = createContext<AppServices>();

export function AppProvider(props: { services: AppServices; children: JSX.Element }) {
  return <AppContext.Provider value={props.services}>{props.children}</AppContext.Provider>;
}

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error("useApp() outside <AppProvider>");
  return services;
}

/** The signed-in user, or undefined. */
export function useUser() {
  const { session } = useApp();
  return () => {
    const s = session.state();
    return s.status === "signed-in" ? s.user : undefined;
  };
}

export function useIsAdmin() {
  const user = useUser();
  return () => user()?.role === "admin";
}
