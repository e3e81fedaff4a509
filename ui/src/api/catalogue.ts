import {
  MediaItem,
  MediaList,
  type MediaListQuery,
  type MediaUpdate,
  StreamTokenAnswer,
} from "@streamstack/contracts";
import type { ApiClient } from "./client.ts";

/** One page of the catalogue, newest first (API.md `GET /catalogue/`). */
export function listMedia(
  api: ApiClient,
  query: Partial<MediaListQuery>,
  signal?: AbortSignal,
): Promise<MediaList> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return api.json(MediaList, `/catalogue/${qs ? `?${qs}` : ""}`, signal ? { signal } : {});
}

export const getMedia = (api: ApiClient, id: string, signal?: AbortSignal) =>
  api.json(MediaItem, `/catalogue/${encodeURIComponent(id)}`, signal ? { signal } : {});

export const updateMedia = async (api: ApiClient, id: string, update: MediaUpdate) =>
  (await api.send("PATCH", `/catalogue/${encodeURIComponent(id)}`, update, MediaItem)) as MediaItem;

export const deleteMedia = async (api: ApiClient, id: string) => {
  await api.send("DELETE", `/catalogue/${encodeURIComponent(id)}`);
};

/** A short-lived URL the <video> element can fetch ranges from without headers. */
export const issueStreamToken = async (api: ApiClient, id: string) =>
  (await api.send(
    "POST",
    `/catalogue/${encodeURIComponent(id)}/stream-token`,
    undefined,
    StreamTokenAnswer,
  )) as StreamTokenAnswer;
