export { type RunningCatalogue, startCatalogue } from "./app.ts";
export { type CatalogueConfig, CatalogueEnv } from "./config.ts";
