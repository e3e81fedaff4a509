import { createLogger, parseEnv, runService } from "@streamstack/contracts/server";
import { startCatalogue } from "./app.ts";
import { CatalogueEnv } from "./config.ts";

runService(createLogger("catalogue", process.env.LOG_LEVEL), () =>
  startCatalogue(parseEnv(CatalogueEnv, process.env)),
);
