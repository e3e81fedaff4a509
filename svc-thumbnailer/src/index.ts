// @streamstack/thumbnailer: the worker that probes uploads and renders their thumbnails.
export { startThumbnailer, type Thumbnailer } from "./app.ts";
export { type ThumbnailerConfig, ThumbnailerEnv } from "./config.ts";
