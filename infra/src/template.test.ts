// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} placeholders are what is tested here
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { localNginxVars, nginxTemplateFile } from "./procs/nginx.ts";
import { renderTemplate } from "./template.ts";

describe("renderTemplate", () => {
  it("fills ${NAME} and leaves nginx $variables alone", () => {
    const out = renderTemplate("listen ${PORT}; set $x $request_id; ${PORT}", { PORT: 8080 });
    expect(out).toBe("listen 8080; set $x $request_id; 8080");
  });

  it("names every placeholder that has no value", () => {
    expect(() => renderTemplate("${A} ${B} ${A}", {})).toThrow("A, B");
  });
});

describe("the gateway template", () => {
  const template = readFileSync(nginxTemplateFile, "utf8");
  const conf = renderTemplate(
    template,
    localNginxVars({
      dataDir: "/data/nginx",
      port: 8080,
      uiDir: "/app/ui/dist",
      upstreams: { auth: "a:1", catalogue: "c:2", streaming: "s:3", ingest: "i:4" },
    }),
  );

  it("renders completely for a local run", () => {
    expect(conf).not.toMatch(/\$\{[A-Z]/);
    expect(conf).toContain("upstream auth { server a:1;");
    expect(conf).toContain("client_max_body_size 20g;");
    expect(conf).toContain("root /app/ui/dist;");
    expect(conf).toContain("pid /data/nginx/nginx.pid;");
  });

  const block = (prefix: string) =>
    conf.slice(conf.indexOf(`location ${prefix} {`)).split("}")[0] ?? "";

  it("streams video and uploads without buffering", () => {
    for (const prefix of ["/api/v1/stream/", "/api/v1/ingest/"]) {
      expect(block(prefix)).toContain("proxy_buffering off;");
      expect(block(prefix)).toContain("proxy_request_buffering off;");
    }
  });

  it("keeps server-sent events unbuffered and open", () => {
    expect(block("/api/v1/catalogue/events")).toContain("proxy_buffering off;");
    expect(block("/api/v1/catalogue/events")).toContain("proxy_read_timeout 1h;");
  });

  it("uses only placeholders compose can set (upper-case names)", () => {
    const names = new Set([...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]));
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });
});
