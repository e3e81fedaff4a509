import { A, useNavigate } from "@solidjs/router";
import { Show } from "solid-js";
import { useApp, useIsAdmin, useUser } from "../app-context.tsx";

export function Header() {
  const { session } = useApp();
  const user = useUser();
  const isAdmin = useIsAdmin();
  const navigate = useNavigate();

  const signOut = async () => {
    await session.logout();
    navigate("/login", { replace: true });
  };

  return (
    <header class="site-header">
      <A href="/" class="brand" end>
        StreamStack
      </A>
      <Show when={user()}>
        {(u) => (
          <>
            <nav aria-label="Main">
              <A href="/" end>
                Catalogue
              </A>
              <Show when={isAdmin()}>
                <A href="/upload">Upload</A>
                <A href="/ops">Pipeline</A>
              </Show>
            </nav>
            <div class="account">
              <span class="muted" title={u().email}>
                {u().display_name ?? u().email}
                <Show when={isAdmin()}> (admin)</Show>
              </span>
              <button type="button" class="secondary" onClick={signOut}>
                Sign out
              </button>
            </div>
          </>
        )}
      </Show>
    </header>
  );
}
