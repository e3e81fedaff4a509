import { type Logger, pino } from "pino";

/** Structured JSON logs on stdout, one line per request or message. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({
    level,
    base: { service },
    redact: {
      paths: ["req.headers.authorization", "*.password", "*.access_token", "*.refresh_token"],
      censor: "[redacted]",
    },
  });
}

export type { Logger };
