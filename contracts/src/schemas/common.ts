import { z } from "zod";

/** Wire schemas stay JSON-pure: dates are ISO-8601 strings, never Date objects. */
export const IsoDateTime = z.iso.datetime({ offset: true });
export const Uuid = z.uuid();

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const NO_CONTROL_BUT_LINES = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/**
 * Text a person typed on one line (names, titles): no control characters. Postgres
 * text cannot hold NUL, and a title never needs the others.
 */
export const SingleLineText = z.string().regex(NO_CONTROL, "must not contain control characters");

/** Text of several lines (descriptions): tabs and line breaks, no other control characters. */
export const MultiLineText = z
  .string()
  .regex(NO_CONTROL_BUT_LINES, "must not contain control characters");

/**
 * An object key inside one of the platform's buckets. No `.`/`..` segment, no leading
 * `/`, no control characters: with path-style URLs such a key climbs out of its bucket
 * (`../thumbnails-x/secret` was served from the thumbnails bucket by the streaming edge).
 */
export const S3Key = z
  .string()
  .min(1)
  .max(1024)
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
    /^(?!\/)(?!(?:.*\/)?\.\.?(?:\/|$))[^\u0000-\u001f\u007f]+$/,
    "must be a key inside the bucket (no leading /, no . or .. segment, no control characters)",
  );
