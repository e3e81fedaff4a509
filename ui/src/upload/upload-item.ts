import type { MediaItem } from "@streamstack/contracts";
import { type Accessor, createSignal } from "solid-js";
import type { Upload, UploadOptions } from "tus-js-client";
import { titleFromFilename } from "../format/format.ts";
import { RateEstimator } from "./rate-estimator.ts";
import {
  mediaIdFrom,
  RETRY_DELAYS_MS,
  shouldRetryUpload,
  statusOf,
  TUS_ENDPOINT,
  uploadErrorMessage,
} from "./tus-options.ts";

/**
 * ready → uploading ⇄ paused / reconnecting → processing → published | failed;
 * `error` when the upload itself stopped (rejected file, retries exhausted): it can resume.
 */
export type UploadPhase =
  | "ready"
  | "uploading"
  | "reconnecting"
  | "paused"
  | "error"
  | "processing"
  | "published"
  | "failed";

export type TusUpload = Pick<Upload, "start" | "abort" | "url">;
export type TusFactory = (file: File, options: UploadOptions) => TusUpload;

export interface UploadDeps {
  tus: TusFactory;
  /** The current access token, after any refresh in flight. */
  authorization: () => Promise<string | undefined>;
  /** Rotates the tokens after the server answered 401. */
  onUnauthorized: () => void;
  /** Asks ingest which media a finished upload became (when the final answer did not say). */
  lookupMediaId: (uploadUrl: string) => Promise<string | undefined>;
  now?: () => number;
}

export interface UploadItem {
  key: string;
  file: File;
  title: Accessor<string>;
  setTitle(title: string): void;
  description: Accessor<string>;
  setDescription(description: string): void;
  phase: Accessor<UploadPhase>;
  sent: Accessor<number>;
  speed: Accessor<number | undefined>;
  secondsLeft: Accessor<number | undefined>;
  message: Accessor<string | undefined>;
  mediaId: Accessor<string | undefined>;
  media: Accessor<MediaItem | undefined>;
  start(): void;
  pause(): void;
  /** Stops for good; an unfinished upload is terminated on the server (tus termination). */
  discard(): void;
  /** Applies the catalogue's view of the media (from the event stream or a GET). */
  applyMedia(item: MediaItem): void;
}

let counter = 0;

export function createUploadItem(
  file: File,
  deps: UploadDeps,
  onMediaId: (item: UploadItem, id: string) => void,
): UploadItem {
  const now = deps.now ?? Date.now;
  const [title, setTitle] = createSignal(titleFromFilename(file.name));
  const [description, setDescription] = createSignal("");
  const [phase, setPhase] = createSignal<UploadPhase>("ready");
  const [sent, setSent] = createSignal(0);
  const [speed, setSpeed] = createSignal<number>();
  const [secondsLeft, setSecondsLeft] = createSignal<number>();
  const [message, setMessage] = createSignal<string>();
  const [mediaId, setMediaId] = createSignal<string>();
  const [media, setMedia] = createSignal<MediaItem>();
  const rate = new RateEstimator();
  let upload: TusUpload | undefined;

  const self: UploadItem = {
    key: `upload-${++counter}`,
    file,
    title,
    setTitle,
    description,
    setDescription,
    phase,
    sent,
    speed,
    secondsLeft,
    message,
    mediaId,
    media,
    start,
    pause,
    discard,
    applyMedia,
  };

  function learnMediaId(id: string | undefined) {
    if (!id || mediaId()) return;
    setMediaId(id);
    onMediaId(self, id);
  }

  function create() {
    return deps.tus(file, {
      endpoint: TUS_ENDPOINT,
      retryDelays: RETRY_DELAYS_MS,
      removeFingerprintOnSuccess: true,
      metadata: {
        filename: file.name,
        ...(file.type ? { filetype: file.type } : {}),
        title: title().trim() || file.name,
        // An empty value would be sent as "description " — leave the key out instead.
        ...(description().trim() ? { description: description().trim() } : {}),
      },
      async onBeforeRequest(req) {
        const token = await deps.authorization();
        if (token) req.setHeader("Authorization", `Bearer ${token}`);
      },
      onAfterResponse(_req, res) {
        learnMediaId(mediaIdFrom(res));
      },
      onShouldRetry(err) {
        const status = statusOf(err);
        if (!shouldRetryUpload(status)) return false;
        if (status === 401) deps.onUnauthorized();
        setPhase("reconnecting");
        setMessage(status === 0 ? "Connection lost, resuming…" : "Server busy, resuming…");
        rate.pause();
        return true;
      },
      onProgress(bytesSent, bytesTotal) {
        if (phase() === "paused") return;
        setPhase("uploading");
        setMessage(undefined);
        setSent(bytesSent);
        rate.sample(bytesSent, now());
        setSpeed(rate.bytesPerSecond);
        setSecondsLeft(rate.secondsLeft(bytesTotal - bytesSent));
      },
      onSuccess({ lastResponse }) {
        setSent(file.size);
        setSecondsLeft(0);
        learnMediaId(mediaIdFrom(lastResponse));
        const url = upload?.url;
        if (!mediaId() && url) {
          deps.lookupMediaId(url).then(learnMediaId, () => {
            setMessage("Uploaded, but its processing status could not be found.");
          });
        }
        if (phase() !== "published" && phase() !== "failed") setPhase("processing");
        setMessage(undefined);
      },
      onError(err) {
        setPhase("error");
        setMessage(uploadErrorMessage(err));
        rate.pause();
      },
    });
  }

  function start() {
    const p = phase();
    if (p !== "ready" && p !== "paused" && p !== "error") return;
    upload ??= create();
    setPhase("uploading");
    setMessage(undefined);
    upload.start();
  }

  function pause() {
    const p = phase();
    if (p !== "uploading" && p !== "reconnecting") return;
    setPhase("paused");
    rate.pause();
    setSecondsLeft(undefined);
    void upload?.abort(false);
  }

  function discard() {
    const unfinished = ["uploading", "reconnecting", "paused", "error"].includes(phase());
    if (upload && unfinished) void upload.abort(true).catch(() => undefined);
  }

  function applyMedia(item: MediaItem) {
    const current = media();
    // Event stream and GET may race: never let an older view overwrite a newer one.
    if (current && Date.parse(item.updated_at) < Date.parse(current.updated_at)) return;
    setMedia(item);
    if (item.status === "published") setPhase("published");
    else if (item.status === "failed") {
      setPhase("failed");
      setMessage(item.failure_reason ?? "Processing failed.");
    } else if (phase() !== "uploading") setPhase("processing");
  }

  return self;
}
