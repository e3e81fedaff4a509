// `npm test`: make the machine ready, lint, run every vitest project, and end with the plain
// line "N passed, N failed" that CI counts. Extra args go to vitest: npm test -- --project unit
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensure, root } from "./ensure.mjs";
import { defaultReport, summaryLine } from "./summary.mjs";

ensure({ chromium: true });

const npx = (args) =>
  spawnSync("npx", args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  }).status ?? 1;

// Static checks are part of the suite: lint + format (biome) and types (tsc, services and UI).
// A failure fails `npm test` and counts as one failed test in the closing line.
const checks = [
  ["biome", "check", "."],
  ["tsc", "-p", "tsconfig.json"],
  ["tsc", "-p", "ui/tsconfig.json"],
];
const failedChecks = checks.filter((args) => npx(args) !== 0);
for (const args of failedChecks)
  console.error(`\n[test] ${args.join(" ")} found problems; see above.\n`);
const lint = failedChecks.length;

const report = join(root, defaultReport);
mkdirSync(join(root, ".test-artifacts"), { recursive: true });
rmSync(report, { force: true }); // a stale report must not be counted for this run
const vitest = npx([
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile=${defaultReport}`,
  ...process.argv.slice(2),
]);

const summary = summaryLine(report, { extraFailures: lint });
writeFileSync(join(root, ".test-artifacts", "summary.txt"), `${summary}\n`); // .ci/run repeats it
console.log(summary);
process.exit(vitest !== 0 ? vitest : lint === 0 ? 0 : 1);
