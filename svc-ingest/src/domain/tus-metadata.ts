import { AppError } from "@streamstack/contracts";
import { type MediaText, readMediaText } from "./upload-form.ts";
import { resolveVideoFormat, type VideoFormat } from "./video-format.ts";

export interface TusUploadInfo extends MediaText {
  format: VideoFormat;
}

/**
 * Reads tus `Upload-Metadata`: `filename` (or Uppy's `name`), `title`, `description`,
 * `filetype` (or `type`). Checked at creation, so a bad upload is refused before a byte.
 */
export function readTusMetadata(meta: Record<string, string | null> | undefined): TusUploadInfo {
  const filename = meta?.filename ?? meta?.name;
  if (!filename) {
    throw new AppError("invalid_request", "Upload-Metadata must carry the filename");
  }
  const format = resolveVideoFormat(filename, meta?.filetype ?? meta?.type ?? undefined);
  return { format, ...readMediaText({ title: meta?.title, description: meta?.description }) };
}
