// postgres.js as installed (with infra/bin/patch-deps.mjs applied), against a real Postgres:
// the failures of its own startup work must not take the process down.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/procs/s3.ts";
import { createTestDatabase } from "../src/testing/index.ts";

const run = promisify(execFile);

describe("postgres.js, patched", () => {
  it("survives its array-type query failing on a new connection (porsager/postgres#1192)", async () => {
    // Every new connection first asks pg_catalog for array types. When that query fails (here
    // cancelled by a 1 ms statement_timeout; in the faults test, Postgres stopping just after
    // the connection came up), stock postgres.js leaves the rejection unhandled: the process
    // exits, and with it every request the service was serving.
    const url = await createTestDatabase("driver");
    const script = `
      import postgres from "postgres";
      process.on("unhandledRejection", (err) => {
        console.log("unhandled rejection:", err.code ?? err.message);
        process.exit(3);
      });
      const sql = postgres(process.env.URL, {
        max: 1,
        onnotice: () => undefined,
        connection: { statement_timeout: 1 },
      });
      await sql\`select 1\`.catch((err) => console.log("query failed:", err.code));
      await sql.end();
      await new Promise((r) => setTimeout(r, 300));
      console.log("still running");
    `;
    const child = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: repoRoot,
      env: { ...process.env, URL: url },
    }).catch((err: { code: number; stdout: string }) => err);
    expect(child.stdout).not.toContain("unhandled rejection");
    expect(child.stdout).toContain("still running");
  });
});
