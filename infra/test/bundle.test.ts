// The service image's runtime path without Docker: each service bundled by
// infra/docker/bundle.mjs (as the Dockerfile does) imports only packages it declares as
// production dependencies (what `npm ci --omit=dev` installs), and the bundle starts under
// plain node — no tsx — and becomes ready against real NATS, Postgres and S3 (migrations
// found next to the bundle), under the image's Node 22 (the official linux-x64 binary,
// fetched from the npm registry by imageNodeBinary) rather than this machine's Node 20. Left to a real image build: node_modules from the lockfile instead of this
// checkout's, and the image's Debian userland.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createTestDatabase, startTestNats, type TestNats, testS3 } from "@streamstack/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/procs/ports.ts";
import { type ServerProcess, startProcess } from "../src/procs/process.ts";
import { repoRoot } from "../src/procs/s3.ts";
import { ensureJwtKey } from "../src/secrets.ts";
import { SERVICE_NEEDS, SERVICES, type ServiceName, serviceEnv } from "../src/service-env.ts";
import { IMAGE_NODE_MAJOR, imageNodeBinary } from "../src/testing/image-node.ts";

mkdirSync(join(repoRoot, ".test-artifacts"), { recursive: true });
// Inside the repository, so the bundles resolve their external packages from node_modules.
const out = mkdtempSync(join(repoRoot, ".test-artifacts", "bundle-"));
const running: ServerProcess[] = [];
let imageNode: string;
let nats: TestNats;

beforeAll(async () => {
  imageNode = imageNodeBinary();
  nats = await startTestNats();
});

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await nats?.stop();
  rmSync(out, { recursive: true, force: true });
});

function bundle(service: ServiceName): string {
  const dir = join(out, service);
  execFileSync(process.execPath, [join(repoRoot, "infra/docker/bundle.mjs"), service, dir], {
    cwd: repoRoot,
    stdio: "pipe",
  });
  return dir;
}

/** Packages the bundle imports: bare specifiers in import/export/require/import(). */
function externalPackages(code: string): Set<string> {
  const specs = [
    ...code.matchAll(/(?:^|[\s;])(?:import|export)\s[^"'`;]*?from\s*"([^"]+)"/gm),
    ...code.matchAll(/(?:^|[\s;])import\s*"([^"]+)"/gm),
    ...code.matchAll(/\b(?:require|import)\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1] as string);
  return new Set(
    specs
      .filter((s) => !s.startsWith(".") && !s.startsWith("/") && !s.startsWith("node:"))
      .map((s) =>
        s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : (s.split("/")[0] as string),
      ),
  );
}

const prodDeps = (service: ServiceName) => {
  const read = (dir: string) =>
    JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")).dependencies ?? {};
  return new Set(Object.keys({ ...read(`svc-${service}`), ...read("contracts") }));
};

const builtins = new Set([
  "fs",
  "path",
  "os",
  "crypto",
  "http",
  "https",
  "stream",
  "url",
  "util",
  "events",
  "net",
  "tls",
  "zlib",
  "child_process",
  "buffer",
  "worker_threads",
  "async_hooks",
  "dns",
  "perf_hooks",
  "process",
  "module",
  "assert",
  "querystring",
  "string_decoder",
  "timers",
  "v8",
  "diagnostics_channel",
  "http2",
  "readline",
  "tty",
  "constants",
]);

describe("service bundles (the image's `node main.mjs`)", () => {
  it(`runs them on Node ${IMAGE_NODE_MAJOR}, as the image does`, () => {
    const version = execFileSync(imageNode, ["--version"], { encoding: "utf8" }).trim();
    expect(version).toMatch(new RegExp(`^v${IMAGE_NODE_MAJOR}\\.`));
    const dockerfile = readFileSync(join(repoRoot, "infra/docker/Dockerfile"), "utf8");
    expect(dockerfile).toContain(`ARG NODE_IMAGE=node:${IMAGE_NODE_MAJOR}-`);
  });

  for (const service of SERVICES) {
    it(`svc-${service}: imports only its production dependencies and gets ready under plain node ${IMAGE_NODE_MAJOR}`, async () => {
      const dir = bundle(service);
      const code = readFileSync(join(dir, "main.mjs"), "utf8");
      expect(code).not.toMatch(/@streamstack\//); // workspaces are compiled in
      const missing = [...externalPackages(code)].filter(
        (p) => !prodDeps(service).has(p) && !builtins.has(p.split("/")[0] as string),
      );
      expect(missing).toEqual([]);

      const port = await freePort();
      const s3 = testS3();
      const buckets = await s3.createTestBuckets();
      const env = serviceEnv(service, port, {
        host: "127.0.0.1",
        natsUrl: nats.url,
        postgresUrl: "postgres://unused",
        s3: {
          endpoint: s3.endpoint,
          region: s3.region,
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
        },
        jwtPrivateKeyFile: ensureJwtKey(join(out, "secrets")),
        jwtIssuer: "streamstack",
        adminEmail: "admin@example.com",
        adminPassword: "bundle-test-password",
        maxUploadBytes: 1024 * 1024,
        logLevel: "warn",
      });
      env.S3_BUCKET_MEDIA = buckets.media;
      env.S3_BUCKET_THUMBNAILS = buckets.thumbnails;
      if (SERVICE_NEEDS[service].database)
        env.DATABASE_URL = await createTestDatabase(`bundle_${service}`);
      const proc = await startProcess({
        name: `bundle-${service}`,
        command: imageNode,
        args: ["--enable-source-maps", join(dir, "main.mjs")],
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          ...env,
        },
        logFile: join(out, `${service}.log`),
        pidFile: join(out, `${service}.pid`),
        ready: { check: () => isReady(port), timeoutMs: 60_000 },
        stopTimeoutMs: 10_000,
      });
      running.push(proc);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(res.status).toBe(200);
      const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(healthz.status).toBe(200);
    });
  }
});

async function isReady(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, {
    signal: AbortSignal.timeout(2_000),
  });
  await res.body?.cancel();
  return res.status === 200;
}
