/** @streamstack/auth — accounts, sign-in and the platform's access tokens. */
export { type RunningAuth, startAuth } from "./app.ts";
export { type AuthConfig, AuthEnv } from "./config.ts";
