import { createLogger, parseEnv, runService } from "@streamstack/contracts/server";
import { startAuth } from "./app.ts";
import { AuthEnv } from "./config.ts";

const logger = createLogger("auth", process.env.LOG_LEVEL);
await runService(logger, () => startAuth(parseEnv(AuthEnv, process.env), { logger }));
