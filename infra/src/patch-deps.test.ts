// The installed postgres.js carries both guards of infra/bin/patch-deps.mjs in every build the
// services may load (ESM for tsx, CJS for bundles): without them a Postgres restart can crash a
// service (a TypeError on a null socket, porsager/postgres#1154; an unhandled rejection of the
// array-type fetch, #1192). infra/test/postgres-driver.test.ts shows the second one live.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./procs/s3.ts";

const pkg = join(repoRoot, "node_modules/postgres");

describe("postgres.js as installed", () => {
  for (const variant of ["src", "cjs/src"]) {
    const code = () => readFileSync(join(pkg, variant, "connection.js"), "utf8");

    it(`${variant}/connection.js fails queries instead of crashing on a closed socket`, () => {
      const guard = code().indexOf(
        "if (!socket) { // streamstack: closed while a write was pending",
      );
      expect(guard).toBeGreaterThan(0);
      expect(code().indexOf("const x = socket.write(chunk, fn)")).toBeGreaterThan(guard);
    });

    it(`${variant}/connection.js handles a failed array-type fetch`, () => {
      expect(code()).toContain("return fetchArrayTypes().catch(() => undefined) // streamstack:");
      expect(code()).not.toMatch(/return fetchArrayTypes\(\)\n/);
    });
  }
});
