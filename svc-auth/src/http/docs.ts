import type { EdgeEnv } from "@streamstack/contracts/server";
import { Hono } from "hono";
import { authOpenApi } from "./openapi.ts";

/**
 * GET /openapi.json and an interactive reference at GET /docs. The page has no inline
 * script (the gateway's CSP allows scripts from 'self' only): docs.js renders the
 * document and lets a reader send each request.
 */
export function docRoutes(basePath: string) {
  const app = new Hono<EdgeEnv>();
  const document = authOpenApi(basePath);
  app.get("/openapi.json", (c) => c.json(document));
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs.js", (c) => {
    c.header("Content-Type", "application/javascript; charset=utf-8");
    return c.body(SCRIPT);
  });
  return app;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>StreamStack auth API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
code,pre,textarea,input{font:13px ui-monospace,monospace}
textarea{width:100%;min-height:5rem}input{width:100%}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;white-space:pre-wrap}
.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}
</style></head>
<body><h1>StreamStack auth API</h1>
<p><a href="openapi.json">openapi.json</a> · Bearer token for protected routes:</p>
<input id="token" placeholder="access token (filled in by a successful login)">
<div id="ops"></div><script src="docs.js"></script></body></html>`;

const SCRIPT = `
const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};
const example = (s) => !s ? undefined : s.type === "object"
  ? Object.fromEntries(Object.entries(s.properties || {}).map(([k, v]) => [k, example(v)]))
  : s.type === "string" ? (s.maxLength === 254 ? "viewer@example.com" : "password-123") : null;
fetch("openapi.json").then((r) => r.json()).then((doc) => {
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const schema = op.requestBody?.content["application/json"].schema;
    const body = el("textarea", { value: schema ? JSON.stringify(example(schema), null, 2) : "" });
    const out = el("pre");
    const send = el("button", { textContent: "Send", onclick: async () => {
      const headers = {};
      const token = document.getElementById("token").value.trim();
      if (token) headers.authorization = "Bearer " + token;
      if (schema && body.value.trim()) headers["content-type"] = "application/json";
      const res = await fetch(path, { method: method.toUpperCase(), headers,
        body: method === "get" || !body.value.trim() ? undefined : body.value });
      const text = await res.text();
      out.textContent = res.status + " " + res.statusText + "\\n" + text;
      try { const j = JSON.parse(text); if (j.access_token) document.getElementById("token").value = j.access_token; } catch {}
    } });
    document.getElementById("ops").append(el("section", {},
      el("div", {}, el("span", { className: "m", textContent: method }), el("code", { textContent: path })),
      el("p", { textContent: op.summary + (op.security ? " (Bearer)" : "") }),
      ...(schema ? [body] : []), send, out,
      el("details", {}, el("summary", { textContent: "responses" }),
        el("pre", { textContent: JSON.stringify(op.responses, null, 2) }))));
  }
});
`;
