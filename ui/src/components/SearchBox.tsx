import { createSignal, onCleanup } from "solid-js";

export const SEARCH_DEBOUNCE_MS = 200;

/**
 * Search-as-you-type: reports the text once typing pauses for ~200 ms, and at once on
 * Enter. The visible value is the user's own, never overwritten while they type.
 */
export function SearchBox(props: { value: string; onSearch: (q: string) => void; label?: string }) {
  const [text, setText] = createSignal(props.value);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  const report = (q: string) => {
    clearTimeout(timer);
    props.onSearch(q.trim());
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: Solid's JSX has no <search>; a form with role=search is the ARIA equivalent
    <form
      role="search"
      class="search"
      onSubmit={(e) => {
        e.preventDefault();
        report(text());
      }}
    >
      <label for="catalogue-search">{props.label ?? "Search videos"}</label>
      <input
        id="catalogue-search"
        type="search"
        placeholder="Title or description"
        autocomplete="off"
        maxLength={200}
        value={text()}
        onInput={(e) => {
          const q = e.currentTarget.value;
          setText(q);
          clearTimeout(timer);
          timer = setTimeout(() => report(q), SEARCH_DEBOUNCE_MS);
        }}
      />
    </form>
  );
}
