import type { MediaItem } from "@streamstack/contracts";
import { createSignal, Show } from "solid-js";
import { deleteMedia } from "../api/catalogue.ts";
import { describeError } from "../api/errors.ts";
import { useApp } from "../app-context.tsx";
import { ErrorMessage } from "./ErrorMessage.tsx";

/** Admin: delete a video, after an explicit second step that names what goes away. */
export function DeleteMedia(props: { item: MediaItem; onDeleted: () => void }) {
  const { api } = useApp();
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await deleteMedia(api, props.item.id);
      props.onDeleted();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <section class="danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete</h2>
      <Show
        when={confirming()}
        fallback={
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete video…
          </button>
        }
      >
        <div role="alertdialog" aria-labelledby="delete-question" class="confirm">
          <p id="delete-question">
            Delete “{props.item.title}” for everyone? The file and its thumbnail are removed too.
            This cannot be undone.
          </p>
          <div class="row">
            <button
              type="button"
              class="danger"
              // The question replaces the button that had focus: move focus to the answer.
              ref={(el) => queueMicrotask(() => el.focus())}
              disabled={busy()}
              onClick={remove}
            >
              {busy() ? "Deleting…" : "Delete permanently"}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      </Show>
      <ErrorMessage message={error()} />
    </section>
  );
}
