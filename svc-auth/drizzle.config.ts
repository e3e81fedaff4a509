import { defineConfig } from "drizzle-kit";

// `npx drizzle-kit generate --config svc-auth/drizzle.config.ts` (from the repo root)
// writes a new migration into svc-auth/drizzle/; openDatabase applies them at start.
export default defineConfig({
  dialect: "postgresql",
  schema: "./svc-auth/src/db/schema.ts",
  out: "./svc-auth/drizzle",
});
