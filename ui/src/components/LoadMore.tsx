import { createEffect, on, onCleanup, onMount, Show } from "solid-js";

/**
 * Infinite scroll: loads the next page when this row comes within 200 px of the view.
 * The button stays for keyboard and screen-reader users, and where there is no
 * IntersectionObserver.
 */
export function LoadMore(props: { hasMore: boolean; loading: boolean; onLoadMore: () => void }) {
  let sentinel: HTMLDivElement | undefined;

  onMount(() => {
    const row = sentinel;
    if (!row || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && props.hasMore && !props.loading) {
          props.onLoadMore();
        }
      },
      { rootMargin: "200px" },
    );
    observer.observe(row);
    // The observer reports changes only: if a short page left the row in view, observing
    // afresh makes it report the current state so the next page follows.
    createEffect(
      on(
        () => props.loading,
        (loading) => {
          if (loading) return;
          observer.unobserve(row);
          observer.observe(row);
        },
        { defer: true },
      ),
    );
    onCleanup(() => observer.disconnect());
  });

  return (
    <div class="load-more" ref={sentinel}>
      <Show when={props.hasMore}>
        <button
          type="button"
          class="secondary"
          disabled={props.loading}
          onClick={() => props.onLoadMore()}
        >
          {props.loading ? "Loading…" : "Load more"}
        </button>
      </Show>
    </div>
  );
}
