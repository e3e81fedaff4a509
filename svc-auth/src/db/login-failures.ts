import { and, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { loginFailures } from "./schema.ts";
import type { AuthDb } from "./users.ts";

/** Recent failures of one throttle key, with the database's clock (shared by all replicas). */
export interface FailureLog {
  failuresMs: number[];
  nowMs: number;
}

const windowStart = (windowS: number) => sql`now() - make_interval(secs => ${windowS})`;

/** The newest `limit` failures of `subject` inside the window (more cannot change a verdict). */
export async function recentFailures(
  db: AuthDb,
  subject: string,
  windowS: number,
  limit: number,
): Promise<FailureLog> {
  const rows = await db
    .select({
      failedAt: loginFailures.failedAt,
      nowMs: sql`extract(epoch from now()) * 1000`.mapWith(Number),
    })
    .from(loginFailures)
    .where(
      and(eq(loginFailures.subject, subject), gt(loginFailures.failedAt, windowStart(windowS))),
    )
    .orderBy(desc(loginFailures.failedAt))
    .limit(limit);
  return {
    failuresMs: rows.map((r) => r.failedAt.getTime()),
    nowMs: rows[0]?.nowMs ?? Date.now(), // no failures: the clock does not matter
  };
}

/** Records one failed attempt for each subject, and forgets failures older than the window. */
export async function recordFailure(
  db: AuthDb,
  subjects: string[],
  windowS: number,
): Promise<void> {
  await db.insert(loginFailures).values(subjects.map((subject) => ({ subject })));
  await db.delete(loginFailures).where(lt(loginFailures.failedAt, windowStart(windowS)));
}

export async function clearFailures(db: AuthDb, subjects: string[]): Promise<void> {
  await db.delete(loginFailures).where(inArray(loginFailures.subject, subjects));
}
