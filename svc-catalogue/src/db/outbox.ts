import { CatalogueEvent } from "@streamstack/contracts";
import { inArray, sql } from "drizzle-orm";
import type { CatalogueDb, CatalogueTx } from "./database.ts";
import { outbox } from "./schema.ts";

/** Records an event in the transaction that makes it true (validated now, not at publish). */
export async function enqueueEvent(tx: CatalogueTx, event: CatalogueEvent): Promise<void> {
  const valid = CatalogueEvent.parse(event);
  await tx
    .insert(outbox)
    .values({ eventId: valid.event_id, event: valid })
    .onConflictDoNothing({ target: outbox.eventId });
}

// Any constant works: only relays of this database take it.
const RELAY_LOCK = 0x6361_7461_6c6f;

/**
 * Hands the oldest pending events to `publish` in order and deletes those it took. One
 * relay at a time (an advisory lock across replicas), so events leave in commit order.
 * Returns how many rows were taken (-1: another relay holds the lock) and the error
 * that stopped the batch, if any; published rows are deleted even then, so a later
 * failure causes no resends.
 */
export async function relayPendingEvents(
  db: CatalogueDb,
  batch: number,
  publish: (event: unknown) => Promise<void>,
): Promise<{ taken: number; error?: unknown }> {
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(${RELAY_LOCK}) as locked`,
    );
    if (!lock?.locked) return { taken: -1 };
    const rows = await tx
      .select({ seq: outbox.seq, event: outbox.event })
      .from(outbox)
      .orderBy(outbox.seq)
      .limit(batch);
    // Sent back to back on one connection (each publish is written before the next call
    // starts), so the stream keeps their order without a round trip per event. Only
    // the unbroken run of successes counts as sent (the rest is retried, and
    // Nats-Msg-Id drops any copy that had made it after all).
    const outcomes = await Promise.allSettled(rows.map((row) => publish(row.event)));
    const failedAt = outcomes.findIndex((o) => o.status === "rejected");
    const done = rows.slice(0, failedAt < 0 ? rows.length : failedAt).map((r) => r.seq);
    const failure = outcomes[failedAt];
    const error = failure?.status === "rejected" ? failure.reason : undefined;
    if (done.length > 0) await tx.delete(outbox).where(inArray(outbox.seq, done));
    return { taken: done.length, error };
  });
}

export async function pendingEventCount(db: CatalogueDb): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox);
  return row?.n ?? 0;
}
