import type { MediaItem, MediaListQuery } from "@streamstack/contracts";
import { type Accessor, createEffect, createSignal, on, onCleanup } from "solid-js";
import { listMedia } from "../api/catalogue.ts";
import type { ApiClient } from "../api/client.ts";
import { describeError } from "../api/errors.ts";

export const PAGE_SIZE = 24;

export interface CatalogueFeed {
  items: Accessor<MediaItem[]>;
  /** True until the first page of the current query answered (or failed). */
  initialLoading: Accessor<boolean>;
  loading: Accessor<boolean>;
  error: Accessor<string | undefined>;
  hasMore: Accessor<boolean>;
  loadMore(): void;
  /** Reloads from the first page (after an error, or an edit elsewhere). */
  reload(): void;
  /** Replaces or removes one item in place (after edit/delete) without reloading. */
  patch(id: string, item: MediaItem | undefined): void;
}

/**
 * The catalogue as an endless list: a new query starts over from the first page and
 * cancels answers still on their way for the old one, so a fast typist never sees the
 * results of a previous search land after the current ones.
 */
export function createCatalogueFeed(
  api: ApiClient,
  query: Accessor<Pick<MediaListQuery, "q" | "status">>,
): CatalogueFeed {
  const [items, setItems] = createSignal<MediaItem[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [initialLoading, setInitialLoading] = createSignal(true);
  const [error, setError] = createSignal<string>();
  let controller: AbortController | undefined;

  async function load(after: string | undefined) {
    const mine = new AbortController();
    controller = mine;
    setLoading(true);
    setError(undefined);
    try {
      const page = await listMedia(
        api,
        { ...query(), limit: PAGE_SIZE, ...(after ? { cursor: after } : {}) },
        mine.signal,
      );
      if (mine.signal.aborted) return;
      // A cursor page may repeat an item whose position shifted: keep the first copy.
      setItems((prev) => {
        const seen = new Set(prev.map((i) => i.id));
        return [...prev, ...page.items.filter((i) => !seen.has(i.id))];
      });
      setCursor(page.next_cursor);
    } catch (err) {
      if (mine.signal.aborted) return;
      setError(describeError(err));
    } finally {
      if (controller === mine) {
        setLoading(false);
        setInitialLoading(false);
      }
    }
  }

  function reload() {
    controller?.abort();
    setItems([]);
    setCursor(null);
    setInitialLoading(true);
    void load(undefined);
  }

  createEffect(on(query, reload));
  onCleanup(() => controller?.abort());

  return {
    items,
    initialLoading,
    loading,
    error,
    hasMore: () => cursor() !== null,
    loadMore() {
      const next = cursor();
      if (loading() || next === null) return;
      void load(next);
    },
    reload,
    patch(id, item) {
      setItems((prev) =>
        item ? prev.map((i) => (i.id === id ? item : i)) : prev.filter((i) => i.id !== id),
      );
    },
  };
}
