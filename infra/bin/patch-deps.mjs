#!/usr/bin/env node
// Runs after every npm install (root "postinstall", also in the image's install stages).
// Fixes two known crashes in postgres.js 3.4.x that no release contains yet. Both take a whole
// service down when Postgres goes away at the wrong moment (a restart, a failover):
//
// 1. porsager/postgres#1154, #1208 (fix proposed in #1209): when Postgres closes a connection
//    while a batched write is pending, nextWrite() calls socket.write on a null socket and the
//    uncaught TypeError ends the process. The guard fails the connection's queries with
//    CONNECTION_CLOSED instead (they become 503s; the pool reconnects).
// 2. porsager/postgres#1192, #1205, #1223: every new connection first fetches the array types,
//    and ReadyForQuery drops that promise. When the fetch fails (the connection is terminated
//    or reset just after it came up, as during a Postgres stop), the rejection is unhandled and
//    ends the process. The failure still reaches the caller through the connection (its query
//    fails or is retried on a new connection, which fetches the types again), so the dropped
//    promise only needs a handler.
//
// Idempotent; loud when the code it patches has changed, so an upgrade gets looked at.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");

const PATCHES = [
  {
    issue: "#1154",
    what: "guarded nextWrite",
    mark: "streamstack: closed while a write was pending",
    before: "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n",
    after: (mark) => `  function nextWrite(fn) {
    if (!socket) { // ${mark}
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)
`,
  },
  {
    issue: "#1192",
    what: "handled the array-type fetch",
    mark: "streamstack: a failed type fetch is the connection's error",
    before: "        return fetchArrayTypes()\n",
    after: (mark) => `        return fetchArrayTypes().catch(() => undefined) // ${mark}\n`,
  },
];

const pkg = join(root, "node_modules/postgres");
if (!existsSync(pkg)) process.exit(0); // not installed here (e.g. a UI-only install)
for (const variant of ["src", "cjs/src", "cf/src"]) {
  const file = join(pkg, variant, "connection.js");
  if (!existsSync(file)) continue;
  let code = readFileSync(file, "utf8");
  for (const patch of PATCHES) {
    if (code.includes(patch.mark)) continue;
    if (!code.includes(patch.before)) {
      console.error(
        `patch-deps: ${file} changed upstream; check whether postgres.js fixed ${patch.issue}`,
      );
      process.exit(1);
    }
    code = code.replace(patch.before, patch.after(patch.mark));
    console.log(`patch-deps: ${patch.what} in postgres.js ${variant}/connection.js`);
  }
  writeFileSync(file, code);
}
