import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../src/procs/ports.ts";
import { ProcessStartError } from "../src/procs/process.ts";
import { repoRoot } from "../src/procs/s3.ts";
import { presentServices, startService } from "../src/services.ts";

// A fake checkout inside the repo, so `--import tsx` resolves from node_modules as it does
// for the real services.
mkdirSync(join(repoRoot, ".test-artifacts"), { recursive: true });
const root = mkdtempSync(join(repoRoot, ".test-artifacts", "fake-root-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeService(name: string, code: string): void {
  mkdirSync(join(root, `svc-${name}`, "src"), { recursive: true });
  writeFileSync(join(root, `svc-${name}`, "src", "main.ts"), code);
}

fakeService(
  "auth",
  `import { createServer } from "node:http";
   const started = Date.now();
   createServer((req, res) => {
     if (req.url === "/readyz") res.writeHead(Date.now() - started > 300 ? 200 : 503).end();
     else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(process.env));
   }).listen(Number(process.env.PORT), process.env.HOST);`,
);
fakeService("ingest", `console.error("ingest: S3_ENDPOINT is required"); process.exit(1);`);

const files = (name: string) => ({
  logFile: join(root, `${name}.log`),
  pidFile: join(root, `${name}.pid`),
});

describe("services", () => {
  it("counts a service as present once its src/main.ts exists", () => {
    expect(presentServices(root)).toEqual({
      present: ["auth", "ingest"],
      missing: ["catalogue", "streaming", "thumbnailer"],
    });
  });

  it("starts a service with its env, after /readyz answers 200, without leaking secrets", async () => {
    process.env.ADMIN_PASSWORD = "must-not-leak";
    process.env.SOME_SERVICE_OPTION = "passes-through";
    const port = await freePort();
    const env = { PORT: String(port), HOST: "127.0.0.1", NATS_URL: "nats://x:1" };
    const svc = await startService({ root, name: "auth", port, env, ...files("auth") });
    try {
      const seen = (await (await fetch(`http://127.0.0.1:${port}/env`)).json()) as Record<
        string,
        string
      >;
      expect(seen).toMatchObject({ NATS_URL: "nats://x:1", SOME_SERVICE_OPTION: "passes-through" });
      expect(seen.ADMIN_PASSWORD).toBeUndefined();
    } finally {
      delete process.env.ADMIN_PASSWORD;
      delete process.env.SOME_SERVICE_OPTION;
      await svc.stop();
    }
  });

  it("reports a service that exits before it is ready, with its log", async () => {
    const port = await freePort();
    const start = startService({
      root,
      name: "ingest",
      port,
      env: { PORT: String(port) },
      ...files("ingest"),
    });
    await expect(start).rejects.toThrow(ProcessStartError);
    await expect(start).rejects.toThrow(/S3_ENDPOINT is required/);
  });
});
