// Bundles one service for its image: `node infra/docker/bundle.mjs <service> <outDir>`.
// Why a bundle: services are TypeScript run by tsx (a dev tool) and import the
// TypeScript sources of @streamstack/contracts; esbuild (already in the tree) compiles
// the service and contracts into one ESM file, so production runs plain `node main.mjs`.
// Packages from node_modules stay external (native addons, ffmpeg binaries, the AWS SDK)
// and come from `npm ci --omit=dev`. Files next to the sources that the code finds through
// import.meta.url (drizzle migrations) are copied to the same relative place under outDir.
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../../", import.meta.url));
const [service, outArg] = process.argv.slice(2);
if (!service || !outArg) {
  console.error("usage: node infra/docker/bundle.mjs <service> <outDir>");
  process.exit(2);
}
const outDir = resolve(outArg);
const pkgDir = join(root, `svc-${service}`);
if (!existsSync(join(pkgDir, "src", "main.ts"))) {
  console.error(`no svc-${service}/src/main.ts`);
  process.exit(2);
}

/** Bare imports are external, except our own workspaces (TypeScript sources). */
const externals = {
  name: "node-modules-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@streamstack/") ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * import.meta.url inside a bundled file would name main.mjs; give each source file its own
 * URL as if it sat at its repository path under outDir, so `new URL("../drizzle", ...)`
 * still finds the folder we copy there.
 */
const ownUrls = {
  name: "source-relative-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const rel = relative(root, args.path).split("\\").join("/");
      const replaced = text.replaceAll(
        "import.meta.url",
        `new URL(${JSON.stringify(`./${rel}`)}, import.meta.url).href`,
      );
      return { contents: replaced, loader: "ts", resolveDir: dirname(args.path) };
    });
  },
};

mkdirSync(outDir, { recursive: true });
await build({
  entryPoints: [join(pkgDir, "src", "main.ts")],
  outfile: join(outDir, "main.mjs"),
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
  // ESM output: give bundled CommonJS code the require it may call.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  plugins: [externals, ownUrls],
});

const migrations = join(pkgDir, "drizzle");
if (existsSync(migrations)) {
  cpSync(migrations, join(outDir, `svc-${service}`, "drizzle"), { recursive: true });
}
console.log(`bundled svc-${service} into ${outDir}`);
