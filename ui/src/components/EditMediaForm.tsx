import type { MediaItem } from "@streamstack/contracts";
import { createSignal, Show } from "solid-js";
import { updateMedia } from "../api/catalogue.ts";
import { describeError } from "../api/errors.ts";
import { useApp } from "../app-context.tsx";
import { ErrorMessage } from "./ErrorMessage.tsx";

/** Admin: change a video's title and description; sends only what changed. */
export function EditMediaForm(props: { item: MediaItem; onSaved: (item: MediaItem) => void }) {
  const { api } = useApp();
  const [title, setTitle] = createSignal(props.item.title);
  const [description, setDescription] = createSignal(props.item.description);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [saved, setSaved] = createSignal(false);

  const changes = () => {
    const out: { title?: string; description?: string } = {};
    if (title().trim() !== props.item.title) out.title = title().trim();
    if (description().trim() !== props.item.description) out.description = description().trim();
    return out;
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const update = changes();
    if (Object.keys(update).length === 0) return;
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const item = await updateMedia(api, props.item.id, update);
      props.onSaved(item);
      setSaved(true);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack edit-form" onSubmit={submit} aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit</h2>
      <label>
        Title
        <input
          type="text"
          required
          maxLength={200}
          value={title()}
          onInput={(e) => {
            setTitle(e.currentTarget.value);
            setSaved(false);
          }}
        />
      </label>
      <label>
        Description
        <textarea
          rows={4}
          maxLength={5000}
          value={description()}
          onInput={(e) => {
            setDescription(e.currentTarget.value);
            setSaved(false);
          }}
        />
      </label>
      <ErrorMessage message={error()} />
      <div class="row">
        <button type="submit" disabled={busy() || Object.keys(changes()).length === 0}>
          {busy() ? "Saving…" : "Save changes"}
        </button>
        <Show when={saved()}>
          <span role="status" class="ok">
            Saved.
          </span>
        </Show>
      </div>
    </form>
  );
}
