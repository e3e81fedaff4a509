// `npm run bench [-- <service> ...]`: every service's benchmark, one after another (they
// share two cores: running them together would measure each other). Each benchmark
// starts its own servers and reports ratios against a baseline measured in the same run.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensure, root } from "./ensure.mjs";

ensure();

const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const wanted = process.argv.slice(2);
const benches = workspaces.filter((ws) => {
  const pkg = JSON.parse(readFileSync(join(root, ws, "package.json"), "utf8"));
  const name = ws.replace(/^svc-/, "");
  return (
    pkg.scripts?.bench && (wanted.length === 0 || wanted.includes(name) || wanted.includes(ws))
  );
});
if (benches.length === 0) {
  console.error(
    `[bench] nothing matches ${wanted.join(", ")}; try one of: auth catalogue streaming ingest thumbnailer`,
  );
  process.exit(2);
}

let failed = 0;
for (const ws of benches) {
  console.log(`\n[bench] ${ws}`);
  const run = spawnSync("npm", ["run", "bench", "-w", ws], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  if (run.status !== 0) {
    failed++;
    console.error(`[bench] ${ws} failed (exit ${run.status})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
