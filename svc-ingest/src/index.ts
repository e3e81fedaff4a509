/** svc-ingest: admin uploads into S3 and their hand-off to catalogue and the thumbnailer. */
export { type RunningIngest, startIngest } from "./app.ts";
export { type IngestConfig, IngestEnv } from "./config.ts";
