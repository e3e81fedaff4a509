/** @streamstack/streaming — the streaming edge, for the local stack and tests. */
export { type Streaming, startStreaming } from "./app.ts";
export { type StreamingConfig, StreamingEnv } from "./config.ts";
