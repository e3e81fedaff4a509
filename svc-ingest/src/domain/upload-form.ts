import { AppError, MediaDescription, MediaTitle } from "@streamstack/contracts";

/**
 * Room allowed on top of MAX_UPLOAD_BYTES in a multipart Content-Length: boundaries,
 * part headers, title (≤ 200 chars) and description (≤ 5000 chars) fit easily.
 */
export const FORM_OVERHEAD_BYTES = 1024 * 1024;

/** 413 up front when the declared body cannot fit; nothing to say when it is absent (chunked). */
export function checkDeclaredLength(contentLength: string | undefined, maxFileBytes: number): void {
  if (contentLength === undefined) return;
  const declared = Number(contentLength);
  if (!Number.isSafeInteger(declared) || declared < 0) {
    throw new AppError("invalid_request", "Content-Length is not a byte count");
  }
  if (declared > maxFileBytes + FORM_OVERHEAD_BYTES) throw tooLarge(maxFileBytes);
}

export const tooLarge = (maxFileBytes: number) =>
  new AppError(
    "payload_too_large",
    `the file is larger than the upload limit of ${maxFileBytes} bytes`,
    {
      max_bytes: maxFileBytes,
    },
  );

export interface MediaText {
  title: string;
  description: string;
}

/** Title (required) and description (optional) of an upload, trimmed and bounded. */
export function readMediaText(fields: {
  title?: string | null;
  description?: string | null;
}): MediaText {
  const title = MediaTitle.safeParse(fields.title ?? "");
  if (!title.success) {
    throw new AppError("invalid_request", "a title of 1 to 200 characters is required");
  }
  const description = MediaDescription.safeParse(fields.description ?? "");
  if (!description.success) {
    throw new AppError("invalid_request", "the description may have at most 5000 characters");
  }
  return { title: title.data, description: description.data };
}
