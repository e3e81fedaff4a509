// A standalone s3rver, run as its own process by procs/s3.ts so it gets its own CPU and
// dies with the stack. Usage: s3rver.ts --port 9000 --dir .data/s3 --buckets media,thumbnails
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import S3rver from "s3rver";
import { hardenS3rver } from "../s3rver-store.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9000" },
    address: { type: "string", default: "127.0.0.1" },
    dir: { type: "string" },
    buckets: { type: "string", default: "" },
  },
});
if (!values.dir) throw new Error("--dir is required");
mkdirSync(values.dir, { recursive: true });
hardenS3rver();

const server = new S3rver({
  port: Number(values.port),
  address: values.address,
  directory: values.dir,
  silent: false,
  // putBucket is a no-op for existing buckets: creating at every start is idempotent.
  configureBuckets: values.buckets
    .split(",")
    .filter(Boolean)
    .map((name) => ({ name })),
});
// Its log says why a request failed (a 500 names its cause), not a line per request.
for (const transport of server.logger.transports) transport.level = "warn";
const address = await server.run();
console.log(`s3rver ready on http://${address.address}:${address.port} dir=${values.dir}`);

const shutdown = (signal: NodeJS.Signals) => {
  // Said in the log: a test that finds storage gone can tell a stop from a crash.
  console.log(`s3rver: ${signal} received, stopping`);
  // close() waits for open responses (a long video stream); do not let it hold us.
  setTimeout(() => process.exit(0), 2_000).unref();
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
