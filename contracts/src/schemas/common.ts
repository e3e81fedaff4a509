import { z } from "zod";

/** Wire schemas stay JSON-pure: dates are ISO-8601 strings, never Date objects. */
export const IsoDateTime = z.iso.datetime({ offset: true });
export const Uuid = z.uuid();

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
