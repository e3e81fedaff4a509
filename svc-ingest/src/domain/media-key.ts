/**
 * Where a media file lives in the media bucket: `<media_id>.<ext>`. A tus upload's id
 * is that same key, so a finished tus upload is already in place (no copy).
 */
export const mediaKey = (mediaId: string, ext: string) => `${mediaId}.${ext}`;

/** Every object of one media item starts with this (the file and tus's `.info`/`.part`). */
export const mediaKeyPrefix = (mediaId: string) => `${mediaId}.`;

const MEDIA_KEY =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([a-z0-9]{1,5})$/;

/** Splits a media key (or tus upload id); undefined for anything else. */
export function parseMediaKey(key: string): { mediaId: string; ext: string } | undefined {
  const m = MEDIA_KEY.exec(key);
  return m ? { mediaId: m[1]!, ext: m[2]! } : undefined;
}
