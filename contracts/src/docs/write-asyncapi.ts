// `npm run docs -w contracts`: writes the committed AsyncAPI document. A unit test fails
// whenever the committed file differs from what the contracts generate.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { asyncApiDocument } from "./asyncapi.ts";

/** Where the committed document lives (contracts/asyncapi.json). */
export const ASYNCAPI_FILE = fileURLToPath(new URL("../../asyncapi.json", import.meta.url));

/** The document as committed: 2-space JSON with a final newline. */
export const renderAsyncApi = () => `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ASYNCAPI_FILE, renderAsyncApi());
  console.log(`wrote ${ASYNCAPI_FILE}`);
}
