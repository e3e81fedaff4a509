import { createSignal, onCleanup, onMount } from "solid-js";
import { issueStreamToken } from "../api/catalogue.ts";
import { describeError } from "../api/errors.ts";
import { useApp } from "../app-context.tsx";
import { renewDelayMs } from "../auth/refresh-schedule.ts";
import { swapSource } from "../media/swap-source.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

const RETRY_MS = 10_000;

/**
 * Plays a published video from a stream token URL. The browser fetches byte ranges
 * itself (seeking = a new Range request); before the token expires a new one is fetched
 * and swapped in without losing the viewer's place.
 */
export function StreamPlayer(props: { mediaId: string; title: string; poster?: string | null }) {
  const { api } = useApp();
  const [error, setError] = createSignal<string>();
  let video: HTMLVideoElement | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastRenewal = 0;
  let disposed = false;

  async function loadToken() {
    clearTimeout(timer);
    lastRenewal = Date.now();
    try {
      const token = await issueStreamToken(api, props.mediaId);
      if (disposed || !video) return;
      setError(undefined);
      if (video.getAttribute("src")) await swapSource(video, token.stream_url);
      else video.src = token.stream_url;
      timer = setTimeout(loadToken, renewDelayMs(token.expires_at, Date.now()));
    } catch (err) {
      if (disposed) return;
      setError(describeError(err));
      timer = setTimeout(loadToken, RETRY_MS);
    }
  }

  // A token that expired while the tab slept makes the next range request fail: get a
  // new one right away, but not in a loop when the file itself is unplayable.
  const onVideoError = () => {
    if (Date.now() - lastRenewal > RETRY_MS) void loadToken();
    else setError("This video cannot be played right now.");
  };

  onMount(() => void loadToken());
  onCleanup(() => {
    disposed = true;
    clearTimeout(timer);
  });

  return (
    <div class="player">
      {/* biome-ignore lint/a11y/useMediaCaption: the platform stores no caption tracks yet */}
      <video
        ref={video}
        controls
        preload="metadata"
        poster={props.poster ?? undefined}
        playsinline
        aria-label={`Video: ${props.title}`}
        onError={onVideoError}
      />
      <ErrorMessage message={error()} onRetry={() => void loadToken()} />
    </div>
  );
}
