import { createLogger, parseEnv, runService } from "@streamstack/contracts/server";
import { startStreaming } from "./app.ts";
import { StreamingEnv } from "./config.ts";

const logger = createLogger("streaming", process.env.LOG_LEVEL);
await runService(logger, () => startStreaming(parseEnv(StreamingEnv, process.env), { logger }));
