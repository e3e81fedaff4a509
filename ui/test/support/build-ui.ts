import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "vite";

const uiRoot = resolve(import.meta.dirname, "../..");

/** Builds the UI as production does, into a temp dir (ui/dist of a running stack stays). */
export async function buildUi(): Promise<{ outDir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "streamstack-ui-"));
  const outDir = join(dir, "dist");
  await build({
    root: uiRoot,
    configFile: join(uiRoot, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  return { outDir, remove: () => rm(dir, { recursive: true, force: true }) };
}
