import { Show } from "solid-js";

/** An error the user should read now: announced by screen readers, optionally retryable. */
export function ErrorMessage(props: { message: string | undefined; onRetry?: () => void }) {
  return (
    <Show when={props.message}>
      <div class="error" role="alert">
        <span>{props.message}</span>
        <Show when={props.onRetry}>
          {(retry) => (
            <button type="button" class="secondary" onClick={() => retry()()}>
              Try again
            </button>
          )}
        </Show>
      </div>
    </Show>
  );
}
