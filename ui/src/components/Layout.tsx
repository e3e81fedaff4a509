import { Navigate, type RouteSectionProps, useLocation } from "@solidjs/router";
import { Match, Switch } from "solid-js";
import { useApp } from "../app-context.tsx";
import { Header } from "./Header.tsx";

const PUBLIC_PATHS = new Set(["/login", "/register"]);

/**
 * The frame of every page. Pages other than sign-in and registration need a session:
 * without one the visitor is sent to sign in and comes back afterwards (`next`).
 */
export function Layout(props: RouteSectionProps) {
  const { session } = useApp();
  const location = useLocation();
  const isPublic = () => PUBLIC_PATHS.has(location.pathname);
  const loginHref = () =>
    `/login?next=${encodeURIComponent(`${location.pathname}${location.search}`)}`;

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabindex="-1">
        <Switch fallback={props.children}>
          <Match when={session.state().status === "restoring"}>
            <p class="muted" role="status">
              Loading…
            </p>
          </Match>
          <Match when={!isPublic() && session.state().status === "signed-out"}>
            <Navigate href={loginHref()} />
          </Match>
        </Switch>
      </main>
    </>
  );
}
