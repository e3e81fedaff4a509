import { useSearchParams } from "@solidjs/router";
import type { MediaListQuery } from "@streamstack/contracts";
import { createMemo, For, Match, Show, Switch } from "solid-js";
import { useApp, useIsAdmin } from "../app-context.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { LoadMore } from "../components/LoadMore.tsx";
import { MediaCard } from "../components/MediaCard.tsx";
import { SearchBox } from "../components/SearchBox.tsx";
import { StatusFilter } from "../components/StatusFilter.tsx";
import { createCatalogueFeed } from "../media/catalogue-feed.ts";

type Query = Pick<MediaListQuery, "q" | "status">;
const STATUSES = new Set(["processing", "published", "failed", "all"]);

/** The catalogue grid. Search and filter live in the URL, so a result list can be shared. */
export function CataloguePage() {
  const { api } = useApp();
  const isAdmin = useIsAdmin();
  const [params, setParams] = useSearchParams<{ q?: string; status?: string }>();

  const query = createMemo<Query>(
    () => {
      const status = isAdmin() && STATUSES.has(params.status ?? "") ? params.status : undefined;
      return {
        q: params.q || undefined,
        // Admins see every status by default: that is where their uploads show up.
        status: (status ?? (isAdmin() ? "all" : undefined)) as Query["status"],
      };
    },
    {},
    { equals: (a, b) => a.q === b.q && a.status === b.status },
  );
  const feed = createCatalogueFeed(api, query);

  return (
    <section class="page">
      <div class="toolbar">
        <h1>Catalogue</h1>
        <SearchBox
          value={params.q ?? ""}
          onSearch={(q) => setParams({ q: q || undefined }, { replace: true })}
        />
        <Show when={isAdmin()}>
          <StatusFilter
            value={query().status ?? "all"}
            onChange={(status) =>
              setParams({ status: status === "all" ? undefined : status }, { replace: true })
            }
          />
        </Show>
      </div>
      <ErrorMessage
        message={feed.error()}
        onRetry={() => (feed.items().length ? feed.loadMore() : feed.reload())}
      />
      <Switch>
        <Match when={feed.initialLoading()}>
          <p class="muted" role="status">
            Loading videos…
          </p>
        </Match>
        <Match when={!feed.error() && feed.items().length === 0}>
          <div class="empty" role="status">
            <Show
              when={query().q}
              fallback={<p>No videos yet.{isAdmin() ? " Upload the first one." : ""}</p>}
            >
              <p>No videos match “{query().q}”.</p>
            </Show>
          </div>
        </Match>
      </Switch>
      <Show when={feed.items().length > 0}>
        <p class="visually-hidden" role="status">
          {feed.items().length} videos shown
        </p>
        <ul class="grid" aria-label="Videos">
          <For each={feed.items()}>
            {(item) => <MediaCard item={item} showStatus={isAdmin()} />}
          </For>
        </ul>
      </Show>
      <LoadMore
        hasMore={feed.hasMore() && !feed.error()}
        loading={feed.loading()}
        onLoadMore={feed.loadMore}
      />
    </section>
  );
}
