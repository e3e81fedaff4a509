import { defineConfig } from "vitest/config";

const ignored = ["**/node_modules/**", "**/dist/**", ".data/**", ".test-artifacts/**"];
// 200 viewers for 60 s against the whole stack (issue 7): its own project, see below.
const LOAD = "infra/test/load.test.ts";
// The AWS SDK warns on every import under Node 20; the warning is known and only noise here.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

export default defineConfig({
  test: {
    projects: [
      {
        // Pure code beside its source: no servers, fast.
        test: {
          name: "unit",
          include: ["**/src/**/*.test.ts"],
          exclude: [...ignored, "ui/**", "**/test/**"],
          env,
          // Projects with different maxWorkers must run as separate groups: unit first.
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Real servers: one Postgres and one s3rver for the run (globalSetup), NATS per file.
        test: {
          name: "integration",
          include: ["**/test/**/*.test.ts"],
          // ui/test/ holds the browser e2e against the whole stack: it belongs here.
          exclude: [...ignored, "ui/src/**", LOAD],
          env,
          globalSetup: ["infra/src/testing/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
          fileParallelism: true,
          // Two cores: more workers only add ffmpeg/Postgres contention.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // The load test saturates both cores for a minute: alone, after every other file.
        // Its stack owns its Postgres and s3rver, so it needs no globalSetup.
        test: {
          name: "load",
          include: [LOAD],
          env,
          testTimeout: 300_000,
          hookTimeout: 180_000,
          pool: "forks",
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
      // UI component tests (jsdom + the Solid compiler), defined beside the UI.
      "ui/vitest.config.ts",
    ],
  },
});
