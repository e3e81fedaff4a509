import { Hono } from "hono";
import { z } from "zod";
import type { EdgeEnv } from "../http/edge.ts";
import { ErrorBodySchema } from "../schemas/common.ts";

/** A successful answer: a JSON schema, or just a content type for bytes (video, images). */
export interface ApiAnswer {
  status: number;
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  /** Response headers worth knowing, name → what it carries. */
  headers?: Record<string, string>;
}

/** One HTTP operation of an edge, described with the same zod schemas the edge validates with. */
export interface ApiOperation {
  method: "get" | "head" | "post" | "put" | "patch" | "delete" | "options";
  /** Relative to the edge's base path, OpenAPI style: `/{id}/stream-token`. */
  path: string;
  summary: string;
  description?: string;
  /** Needs a Bearer access token (of this role; admins pass every role). */
  auth?: "viewer" | "admin";
  pathParams?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the operation reads (names as sent, e.g. `Range`). */
  headers?: z.ZodObject;
  /** The body; JSON unless `contentType` says otherwise (e.g. `multipart/form-data`). */
  body?: { schema?: z.ZodType; required: boolean; contentType?: string };
  ok: ApiAnswer;
  /** Further successful answers (e.g. 206 Partial Content). */
  also?: ApiAnswer[];
  /** Error statuses this operation answers, with what each means here. */
  errors: Record<number, string>;
}

const jsonSchema = (schema: z.ZodType, io: "input" | "output") => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest as { properties?: Record<string, unknown>; required?: string[] };
};

const parameters = (schema: z.ZodObject | undefined, where: "path" | "query" | "header") => {
  if (!schema) return [];
  const s = jsonSchema(schema, "input");
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === "path" || (s.required ?? []).includes(name),
    schema: prop,
  }));
};

/** A success response; bytes without a schema are described by their content type alone. */
const response = (a: ApiAnswer) => {
  const contentType = a.contentType ?? "application/json";
  return {
    description: a.description,
    ...(a.headers && {
      headers: Object.fromEntries(
        Object.entries(a.headers).map(([name, description]) => [
          name,
          { description, schema: { type: "string" } },
        ]),
      ),
    }),
    ...((a.schema || a.contentType) && {
      content: { [contentType]: a.schema ? { schema: jsonSchema(a.schema, "output") } : {} },
    }),
  };
};

/**
 * The OpenAPI 3.1 document of an edge (served at `<base>/openapi.json`). Built from the
 * operations' zod schemas, so the document cannot drift from what the edge accepts.
 */
export function openApiDocument(opts: {
  title: string;
  description: string;
  basePath: string;
  operations: ApiOperation[];
}) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of opts.operations) {
    const responses: Record<string, unknown> = {};
    for (const answer of [op.ok, ...(op.also ?? [])]) responses[answer.status] = response(answer);
    for (const [status, description] of Object.entries(op.errors)) {
      responses[status] = {
        description,
        content: { "application/json": { schema: jsonSchema(ErrorBodySchema, "output") } },
      };
    }
    const path = `${opts.basePath}${op.path}`;
    const params = [
      ...parameters(op.pathParams, "path"),
      ...parameters(op.query, "query"),
      ...parameters(op.headers, "header"),
    ];
    paths[path] = {
      ...paths[path],
      [op.method]: {
        summary: op.summary,
        ...(op.description && { description: op.description }),
        ...(op.auth && { security: [{ bearer: [] }], "x-role": op.auth }),
        ...(params.length > 0 && { parameters: params }),
        ...(op.body && {
          requestBody: {
            required: op.body.required,
            content: {
              [op.body.contentType ?? "application/json"]: op.body.schema
                ? { schema: jsonSchema(op.body.schema, "input") }
                : {},
            },
          },
        }),
        responses,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: opts.title, version: "1", description: opts.description },
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}

/**
 * `GET <base>/openapi.json` and an interactive reference at `GET <base>/docs`. The page
 * has no inline script (the gateway's CSP allows scripts from 'self' only): docs.js
 * renders the document and lets a reader send each request, streaming the answer.
 */
export function apiDocRoutes(basePath: string, document: ReturnType<typeof openApiDocument>) {
  const app = new Hono<EdgeEnv>();
  const title = document.info.title;
  const page = PAGE.replaceAll("{{title}}", title.replace(/[<>&"]/g, ""));
  app.get(`${basePath}/openapi.json`, (c) => c.json(document));
  app.get(`${basePath}/docs`, (c) => c.html(page));
  app.get(`${basePath}/docs.js`, (c) => {
    c.header("Content-Type", "application/javascript; charset=utf-8");
    return c.body(SCRIPT);
  });
  return app;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{title}} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
code,pre,textarea,input{font:13px ui-monospace,monospace}
textarea{width:100%;min-height:5rem}input{width:100%;box-sizing:border-box}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;white-space:pre-wrap;max-height:20rem}
.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}
</style></head>
<body><h1>{{title}} API</h1>
<p><a href="openapi.json">openapi.json</a> · Bearer token for protected routes:</p>
<label>Access token <input id="token" placeholder="paste an access token"></label>
<div id="ops"></div><script src="docs.js"></script></body></html>`;

const SCRIPT = `
const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};
const example = (s) => !s ? null : s.default !== undefined ? s.default : s.enum ? s.enum[0]
  : s.type === "object" ? Object.fromEntries(Object.entries(s.properties || {}).map(([k, v]) => [k, example(v)]))
  : s.type === "array" ? [] : s.type === "string" ? "" : s.type === "number" || s.type === "integer" ? 0
  : s.type === "boolean" ? false : null;
fetch("openapi.json").then((r) => r.json()).then((doc) => {
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const schema = op.requestBody?.content["application/json"]?.schema;
    const query = (op.parameters || []).filter((p) => p.in === "query").map((p) => p.name + "=").join("&");
    const url = el("input", { value: path + (query ? "?" + query : ""), "aria-label": "URL" });
    const body = el("textarea", { value: schema ? JSON.stringify(example(schema), null, 2) : "", "aria-label": "body" });
    const out = el("pre");
    let abort;
    const send = el("button", { textContent: "Send", onclick: async () => {
      abort?.abort();
      abort = new AbortController();
      const headers = {};
      const token = document.getElementById("token").value.trim();
      if (token) headers.authorization = "Bearer " + token;
      if (schema && body.value.trim()) headers["content-type"] = "application/json";
      try {
        const res = await fetch(url.value, { method: method.toUpperCase(), headers, signal: abort.signal,
          body: !schema || !body.value.trim() ? undefined : body.value });
        out.textContent = res.status + " " + res.statusText + "\\n";
        const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) { const r = await reader?.read(); if (!r || r.done) break; out.textContent += r.value; }
        // A sign-in answer fills the token field, so the next requests are authenticated.
        try { const j = JSON.parse(out.textContent.slice(out.textContent.indexOf("\\n") + 1));
          if (j.access_token) document.getElementById("token").value = j.access_token; } catch {}
      } catch (e) { if (e.name !== "AbortError") out.textContent += String(e); }
    } });
    const stop = el("button", { textContent: "Stop", onclick: () => abort?.abort() });
    document.getElementById("ops").append(el("section", {},
      el("div", {}, el("span", { className: "m", textContent: method }), el("code", { textContent: path })),
      el("p", { textContent: op.summary + (op["x-role"] ? " (Bearer, " + op["x-role"] + ")" : "") }),
      ...(op.description ? [el("p", { textContent: op.description })] : []),
      url, ...(schema ? [body] : []), send, stop, out,
      el("details", {}, el("summary", { textContent: "responses" }),
        el("pre", { textContent: JSON.stringify(op.responses, null, 2) }))));
  }
});
`;
