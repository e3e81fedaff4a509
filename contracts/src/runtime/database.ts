import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export interface Database<TSchema extends Record<string, unknown>> {
  sql: postgres.Sql;
  db: PostgresJsDatabase<TSchema>;
  close(): Promise<void>;
}

/**
 * Opens a service's own database, creating it when missing, and applies the
 * committed drizzle-kit migrations (idempotent; safe for replicas starting together:
 * they take turns on an advisory lock, since drizzle's migrator does not lock and two
 * racing `CREATE TYPE`/`CREATE TABLE`s fail one replica).
 */
export async function openDatabase<TSchema extends Record<string, unknown>>(
  url: string,
  schema: TSchema,
  migrationsFolder: string,
): Promise<Database<TSchema>> {
  await createDatabaseIfMissing(url);
  const sql = postgres(url, { max: 10, onnotice: () => undefined, connect_timeout: 10 });
  const db = drizzle(sql, { schema });
  const lock = await sql.reserve(); // session-level lock: one connection holds it throughout
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(db, { migrationsFolder });
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => undefined);
    lock.release();
  }
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}

/** Advisory lock key for migrations (advisory locks are per database). */
const MIGRATION_LOCK = 7_405_307_311;

async function createDatabaseIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), {
    max: 1,
    onnotice: () => undefined,
    connect_timeout: 10,
  });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) {
      await sql
        .unsafe(`create database "${name.replaceAll('"', '""')}"`)
        .catch((err: { code?: string }) => {
          if (err.code !== "42P04") throw err; // created concurrently by a replica
        });
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
