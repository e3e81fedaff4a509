import { A, Navigate, useSearchParams } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { describeError, isApiError } from "../api/errors.ts";
import { useApp } from "../app-context.tsx";
import { safeNextPath } from "../auth/next-path.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";

export function LoginPage() {
  const { session, registration } = useApp();
  const [params] = useSearchParams();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();

  const notice = () => {
    const s = session.state();
    return s.status === "signed-out" ? s.message : undefined;
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.login(email().trim(), password());
    } catch (err) {
      setError(isApiError(err, "unauthorized") ? "Wrong email or password." : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Show
      when={session.state().status !== "signed-in"}
      fallback={<Navigate href={safeNextPath(params.next)} />}
    >
      <section class="page narrow">
        <h1>Sign in</h1>
        <Show when={notice()}>
          <p class="notice" role="status">
            {notice()}
          </p>
        </Show>
        <form class="stack" onSubmit={submit}>
          <label>
            Email
            <input
              type="email"
              name="email"
              autocomplete="username"
              required
              value={email()}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </label>
          <label>
            Password
            <input
              type="password"
              name="password"
              autocomplete="current-password"
              required
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <ErrorMessage message={error()} />
          <button type="submit" disabled={busy()}>
            {busy() ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <Show when={!registration.disabled()}>
          <p>
            No account yet? <A href="/register">Create one</A>
          </p>
        </Show>
      </section>
    </Show>
  );
}
