// `npm start`: make the machine ready, build the UI when stale, then run the stack
// (infra/src/stack.ts), forwarding signals and its exit code.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensure, root } from "./ensure.mjs";

ensure();

/** Newest modification time of anything under a folder. */
function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

function buildUiIfStale() {
  const ui = join(root, "ui");
  const pkg = JSON.parse(readFileSync(join(ui, "package.json"), "utf8"));
  // Quietly nothing to do until the UI workspace can build (a script and an entry page).
  if (!pkg.scripts?.build || !existsSync(join(ui, "index.html"))) return;
  const built = join(ui, "dist", "index.html");
  const sources = Math.max(newest(join(ui, "src")), statSync(join(ui, "index.html")).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log("[start] building the UI (npm run build -w ui)");
  const result = spawnSync("npm", ["run", "build", "-w", "ui"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0)
    console.error("[start] UI build failed; the gateway serves the API only.");
}

buildUiIfStale();

const stack = spawn(process.execPath, ["--import", "tsx", "infra/src/stack.ts"], {
  cwd: root,
  stdio: "inherit",
});
// A terminal Ctrl-C reaches both processes; the stack treats a repeat as the same stop.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => stack.kill(signal));
}
stack.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
