// The closing line CI counts: "N passed, N failed", from vitest's JSON report.
// Shared by test.mjs and .ci/run (`node infra/bin/summary.mjs [report.json]`).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const defaultReport = ".test-artifacts/vitest.json";

/** A missing or unreadable report means vitest crashed: that is one failure, not zero. */
export function summaryLine(reportPath = defaultReport, { extraFailures = 0 } = {}) {
  let report;
  try {
    report = JSON.parse(readFileSync(reportPath, "utf8"));
  } catch {
    return `0 passed, ${1 + extraFailures} failed`;
  }
  const passed = Number(report.numPassedTests ?? 0);
  const failed = Number(report.numFailedTests ?? 0);
  // A file that fails to load, or whose beforeAll fails, fails no test (its tests count as
  // skipped), yet it is a failure: count each such file once.
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  const broken = files.filter(
    (f) => f.status === "failed" && !f.assertionResults?.some((a) => a.status === "failed"),
  ).length;
  // success:false with nothing to show for it (an error of vitest's own) is not a pass either.
  const unexplained = report.success === false && failed + broken === 0 ? 1 : 0;
  return `${passed} passed, ${failed + broken + unexplained + extraFailures} failed`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(summaryLine(process.argv[2]));
}
