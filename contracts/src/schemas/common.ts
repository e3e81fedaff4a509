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
