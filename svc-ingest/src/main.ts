import { createLogger, parseEnv, runService } from "@streamstack/contracts/server";
import { startIngest } from "./app.ts";
import { IngestEnv } from "./config.ts";

const config = parseEnv(IngestEnv, process.env);
const logger = createLogger("ingest", config.LOG_LEVEL);
await runService(logger, () => startIngest(config, { logger }));
