import { A, useNavigate } from "@solidjs/router";
import { User } from "@streamstack/contracts";
import { createSignal, Show } from "solid-js";
import { describeError, isApiError } from "../api/errors.ts";
import { useApp } from "../app-context.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";

/**
 * Self-service registration. The server may switch it off; it then answers 403 and the
 * form (and the link to it) disappears for the rest of the visit.
 */
export function RegisterPage() {
  const { api, session, registration } = useApp();
  const navigate = useNavigate();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [displayName, setDisplayName] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        email: email().trim(),
        password: password(),
        ...(displayName().trim() ? { display_name: displayName().trim() } : {}),
      };
      await api.send("POST", "/auth/register", body, User);
      await session.login(body.email, body.password);
      navigate("/", { replace: true });
    } catch (err) {
      if (isApiError(err) && err.status === 403) return registration.setDisabled(true);
      if (isApiError(err, "conflict"))
        return setError("An account with this email already exists.");
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page narrow">
      <h1>Create an account</h1>
      <Show
        when={!registration.disabled()}
        fallback={
          <p class="notice" role="status">
            Registration is switched off on this server. Ask an administrator for an account.{" "}
            <A href="/login">Sign in</A>
          </p>
        }
      >
        <form class="stack" onSubmit={submit}>
          <label>
            Email
            <input
              type="email"
              autocomplete="username"
              required
              value={email()}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </label>
          <label>
            Display name <span class="muted">(optional)</span>
            <input
              type="text"
              autocomplete="nickname"
              maxLength={100}
              value={displayName()}
              onInput={(e) => setDisplayName(e.currentTarget.value)}
            />
          </label>
          <label>
            Password <span class="muted">(at least 8 characters)</span>
            <input
              type="password"
              autocomplete="new-password"
              required
              minLength={8}
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <ErrorMessage message={error()} />
          <button type="submit" disabled={busy()}>
            {busy() ? "Creating…" : "Create account"}
          </button>
        </form>
        <p>
          Already registered? <A href="/login">Sign in</A>
        </p>
      </Show>
    </section>
  );
}
