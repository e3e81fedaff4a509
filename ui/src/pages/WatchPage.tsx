import { A, useNavigate, useParams } from "@solidjs/router";
import type { MediaItem } from "@streamstack/contracts";
import { createResource, Match, Show, Switch } from "solid-js";
import { getMedia } from "../api/catalogue.ts";
import { describeError, isApiError } from "../api/errors.ts";
import { useApp, useIsAdmin } from "../app-context.tsx";
import { DeleteMedia } from "../components/DeleteMedia.tsx";
import { EditMediaForm } from "../components/EditMediaForm.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { MetadataPanel } from "../components/MetadataPanel.tsx";
import { StreamPlayer } from "../components/StreamPlayer.tsx";

export function WatchPage() {
  const { api } = useApp();
  const isAdmin = useIsAdmin();
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const [item, { mutate, refetch }] = createResource(
    () => params.id,
    (id) => getMedia(api, id),
  );

  return (
    <section class="page watch">
      <p>
        <A href="/">← Back to the catalogue</A>
      </p>
      <Switch>
        <Match when={item.error}>
          <Show
            when={isApiError(item.error, "not_found")}
            fallback={<ErrorMessage message={describeError(item.error)} onRetry={refetch} />}
          >
            <h1>Video not found</h1>
            <p>It may have been deleted, or it is not published yet.</p>
          </Show>
        </Match>
        <Match when={item.loading && !item.latest}>
          <p class="muted" role="status">
            Loading…
          </p>
        </Match>
        <Match when={item.latest}>
          {(media) => (
            <WatchView
              item={media()}
              isAdmin={isAdmin()}
              onSaved={mutate}
              onDeleted={() => navigate("/", { replace: true })}
            />
          )}
        </Match>
      </Switch>
    </section>
  );
}

function WatchView(props: {
  item: MediaItem;
  isAdmin: boolean;
  onSaved: (item: MediaItem) => void;
  onDeleted: () => void;
}) {
  return (
    <div class="watch-layout">
      <div class="watch-main">
        <Switch>
          <Match when={props.item.status === "published"}>
            <StreamPlayer
              mediaId={props.item.id}
              title={props.item.title}
              poster={props.item.thumbnail_url}
            />
          </Match>
          <Match when={props.item.status === "processing"}>
            <p class="notice" role="status">
              This video is still being processed. Reload in a moment.
            </p>
          </Match>
          <Match when={props.item.status === "failed"}>
            <p class="error" role="alert">
              Processing failed: {props.item.failure_reason ?? "no reason given"}
            </p>
          </Match>
        </Switch>
        <h1>{props.item.title}</h1>
        <Show when={props.item.description}>
          <p class="description">{props.item.description}</p>
        </Show>
      </div>
      <aside class="watch-side">
        <MetadataPanel item={props.item} showStatus={props.isAdmin} />
        <Show when={props.isAdmin}>
          <EditMediaForm item={props.item} onSaved={props.onSaved} />
          <DeleteMedia item={props.item} onDeleted={props.onDeleted} />
        </Show>
      </aside>
    </div>
  );
}
