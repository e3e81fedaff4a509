import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "vite";

const uiRoot = resolve(import.meta.dirname, "../..");

/** Builds the UI as production does, into a temp dir (ui/dist of a running stack stays). */
export async function buildUi(): Promise<string> {
  const outDir = join(await mkdtemp(join(tmpdir(), "streamstack-ui-")), "dist");
  await build({
    root: uiRoot,
    configFile: join(uiRoot, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  return outDir;
}
