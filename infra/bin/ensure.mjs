// Makes a fresh Debian machine ready: system packages, then node_modules. Plain JS with no
// dependencies, because it runs before `npm ci`. Used by start.mjs and test.mjs.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));

function onPath(program) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/sbin"];
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function hasPostgres() {
  const base = "/usr/lib/postgresql";
  return (
    existsSync(base) && readdirSync(base).some((v) => existsSync(join(base, v, "bin", "postgres")))
  );
}

function aptHas(pkg) {
  return spawnSync("apt-cache", ["show", pkg], { stdio: "ignore" }).status === 0;
}

/**
 * Debian packages the stack (and, with chromium, the tests) need but this machine lacks.
 * validators: the static checks of compose.yaml (docker-compose 1.29 `config`) and of the
 * Prometheus config (promtool, from the prometheus package) — tests only.
 */
function missingPackages(chromium, validators) {
  const missing = [];
  if (!onPath("nats-server")) missing.push("nats-server");
  if (!onPath("nginx")) missing.push("nginx-light");
  if (!hasPostgres()) missing.push("postgresql");
  if (chromium && !onPath("chromium")) missing.push("chromium");
  if (validators && !onPath("docker-compose")) missing.push("docker-compose");
  if (validators && !onPath("promtool")) missing.push("prometheus");
  return missing;
}

function ensureSystemPackages(chromium, validators) {
  const missing = missingPackages(chromium, validators);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath("apt-get")) {
    console.error(`Missing system packages: ${missing.join(" ")}`);
    console.error(
      `Install them (Debian/Ubuntu: sudo apt-get install ${missing.join(" ")}) and retry.`,
    );
    process.exit(1);
  }
  console.log(`[ensure] installing system packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: "inherit", env });
  // Prefer the versioned package: the "postgresql" metapackage is the same server plus extras.
  const packages = missing.map((p) =>
    p === "postgresql" && aptHas("postgresql-15") ? "postgresql-15" : p,
  );
  // RUNLEVEL=1 keeps the packages' init scripts from starting a system nginx/postgres
  // (we run our own, on our own ports, from our own data folder).
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...packages], {
    stdio: "inherit",
    env: { ...env, RUNLEVEL: "1" },
  });
  const still = missingPackages(chromium, validators);
  if (still.length > 0) {
    console.error(`[ensure] still missing after apt-get install: ${still.join(" ")}`);
    process.exit(1);
  }
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** npm ci when node_modules is absent or older than the lockfile (someone added a package). */
function ensureNodeModules() {
  const installed = mtime(join(root, "node_modules", ".package-lock.json"));
  if (installed > 0 && installed >= mtime(join(root, "package-lock.json"))) return;
  console.log("[ensure] installing npm dependencies (npm ci)");
  const result = spawnSync("npm", ["ci"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** npm ci runs it as postinstall; this catches a checkout installed before it existed. */
function ensurePatchedDependencies() {
  const result = spawnSync(process.execPath, [join(root, "infra/bin/patch-deps.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Exits the process with a clear message when something cannot be made ready. */
export function ensure({ chromium = false, validators = chromium } = {}) {
  ensureSystemPackages(chromium, validators);
  ensureNodeModules();
  ensurePatchedDependencies();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensure({ chromium: process.argv.includes("--chromium") });
}
