// `npm run compose -w infra`: rewrites compose.yaml at the repository root.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderCompose } from "./generate.ts";

export const composeFile = fileURLToPath(new URL("../../../compose.yaml", import.meta.url));

writeFileSync(composeFile, renderCompose());
console.log(`wrote ${composeFile}`);
