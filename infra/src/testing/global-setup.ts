// vitest globalSetup of the integration project: ONE throwaway Postgres and ONE s3rver for the
// whole run (each takes ~1 s to start); test files isolate themselves with a database and
// buckets of their own (see ./index.ts). NATS is cheap, so each file starts its own.
// Their logs go to .test-artifacts/shared/, kept after the run: if one of them dies, every
// later test that uses it fails, and its log is the only place that says why.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startPostgres } from "../procs/postgres.ts";
import { repoRoot, type S3Info, startS3 } from "../procs/s3.ts";
import { Running } from "../running.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** postgres://postgres@127.0.0.1:PORT/postgres of the shared test cluster. */
    postgresUrl: string;
    s3: S3Info;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), "streamstack-test-"));
  await chmod(dir, 0o755); // as root, Postgres runs as "postgres" and must enter it
  // Appended to, never removed: another run in this checkout may be writing there too.
  const logs = join(repoRoot, ".test-artifacts", "shared");
  const logFile = { postgres: join(logs, "postgres.log"), s3rver: join(logs, "s3rver.log") };
  const started = await Promise.allSettled([
    startPostgres({ dataDir: join(dir, "postgres"), ephemeral: true, logFile: logFile.postgres }),
    startS3({ dataDir: join(dir, "s3"), buckets: [], logFile: logFile.s3rver }),
  ]);
  const [pgResult, s3Result] = started;
  if (pgResult?.status !== "fulfilled" || s3Result?.status !== "fulfilled") {
    await Promise.all(started.map((r) => (r.status === "fulfilled" ? r.value.stop() : undefined)));
    await rm(dir, { recursive: true, force: true });
    throw started.find((r) => r.status === "rejected")?.reason;
  }
  const [pg, s3] = [pgResult.value, s3Result.value];
  // The stack's own watch: an exit before teardown is reported with the tail of its log.
  const running = new Running((crash) =>
    console.error(
      `\n[global-setup] shared server: ${crash}\nEvery test that uses it fails from here.\n`,
    ),
  );
  const layer = running.layer();
  layer({ name: "postgres", server: pg, logFile: logFile.postgres });
  layer({ name: "s3rver", server: s3, logFile: logFile.s3rver });
  project.provide("postgresUrl", pg.url);
  const { endpoint, region, accessKeyId, secretAccessKey } = s3;
  project.provide("s3", { endpoint, region, accessKeyId, secretAccessKey });
  return async () => {
    await running.stopAll(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
}
