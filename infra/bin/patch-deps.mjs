#!/usr/bin/env node
// Runs after every npm install (root "postinstall", also in the image's install stages).
// Fixes a known crash in postgres.js 3.4.x that no release contains yet
// (porsager/postgres#1154, #1208; fix proposed in #1209): when Postgres closes a connection
// while a batched write is pending, nextWrite() calls socket.write on a null socket and the
// uncaught TypeError takes the whole service down. The guard fails the connection's
// queries with CONNECTION_CLOSED instead (they become 503s; the pool reconnects).
// Idempotent; loud when the code it patches has changed, so an upgrade gets looked at.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");
const MARK = "streamstack: closed while a write was pending";
const BEFORE = "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n";
const AFTER = `  function nextWrite(fn) {
    if (!socket) { // ${MARK}
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)
`;

const pkg = join(root, "node_modules/postgres");
if (!existsSync(pkg)) process.exit(0); // not installed here (e.g. a UI-only install)
for (const variant of ["src", "cjs/src", "cf/src"]) {
  const file = join(pkg, variant, "connection.js");
  if (!existsSync(file)) continue;
  const code = readFileSync(file, "utf8");
  if (code.includes(MARK)) continue;
  if (!code.includes(BEFORE)) {
    console.error(`patch-deps: ${file} changed upstream; check whether postgres.js fixed #1154`);
    process.exit(1);
  }
  writeFileSync(file, code.replace(BEFORE, AFTER));
  console.log(`patch-deps: guarded postgres.js nextWrite in ${variant}/connection.js`);
}
