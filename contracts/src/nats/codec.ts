import type { z } from "zod";
import { AppError } from "../errors.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/**
 * Decodes and validates a payload. Anything that is not valid UTF-8 JSON of the
 * schema's shape becomes an `invalid_request` AppError and is never passed on.
 */
export function decodeJson<S extends z.ZodType>(
  schema: S,
  data: Uint8Array,
  what: string,
): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(data));
  } catch (cause) {
    throw new AppError("invalid_request", `${what}: payload is not valid JSON`, undefined, {
      cause,
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(
      "invalid_request",
      `${what}: payload does not match its contract`,
      parsed.error.issues,
    );
  }
  return parsed.data;
}
