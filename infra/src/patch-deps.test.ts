// The installed postgres.js carries the nextWrite guard of infra/bin/patch-deps.mjs in every
// build the services may load (ESM for tsx, CJS for bundles): without it a Postgres restart
// can crash a service (TypeError on a null socket, porsager/postgres#1154).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./procs/s3.ts";

const pkg = join(repoRoot, "node_modules/postgres");

describe("postgres.js as installed", () => {
  for (const variant of ["src", "cjs/src"]) {
    it(`${variant}/connection.js fails queries instead of crashing on a closed socket`, () => {
      const code = readFileSync(join(pkg, variant, "connection.js"), "utf8");
      const guard = code.indexOf("if (!socket) { // streamstack: closed while a write was pending");
      expect(guard).toBeGreaterThan(0);
      expect(code.indexOf("const x = socket.write(chunk, fn)")).toBeGreaterThan(guard);
    });
  }
});
