import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` uses this (no database needed); migrations run at start.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
