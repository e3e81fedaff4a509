import { fileURLToPath } from "node:url";
import { type Database, openDatabase } from "@streamstack/contracts/server";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { schema } from "./schema.ts";

export type CatalogueDb = PostgresJsDatabase<typeof schema>;
export type CatalogueTx = Parameters<Parameters<CatalogueDb["transaction"]>[0]>[0];

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Opens the catalogue database, creating it and applying the committed migrations. */
export function openCatalogueDatabase(url: string): Promise<Database<typeof schema>> {
  return openDatabase(url, schema, MIGRATIONS);
}
