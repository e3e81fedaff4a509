import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../errors.ts";

function invalid(what: string, error: z.ZodError): AppError {
  const details = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  return new AppError("invalid_request", `${what} is invalid`, details);
}

/** Reads a JSON body: 415 unless `application/json`, 400 for bad JSON or a bad shape. */
export async function parseJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "send the body as application/json");
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new AppError("invalid_request", "the body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid("the body", parsed.error);
  return parsed.data;
}

/** Reads query parameters with the schema (400 with details when they do not fit). */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw invalid("the query", parsed.error);
  return parsed.data;
}

/** Validates one path parameter (a bad id is a 404: nothing can live there). */
export function parseParam<S extends z.ZodType>(c: Context, name: string, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.param(name));
  if (!parsed.success) throw new AppError("not_found", `no such ${name}`);
  return parsed.data;
}
