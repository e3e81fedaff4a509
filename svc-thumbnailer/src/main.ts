import { createLogger, parseEnv, runService } from "@streamstack/contracts/server";
import { startThumbnailer } from "./app.ts";
import { ThumbnailerEnv } from "./config.ts";

const config = parseEnv(ThumbnailerEnv, process.env);
const logger = createLogger("thumbnailer", config.LOG_LEVEL);
await runService(logger, () => startThumbnailer(config, { logger }));
