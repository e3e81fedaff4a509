import { ErrorCode, type NatsConnection, RequestStrategy } from "nats";
import type { ServiceInstanceStats } from "../schemas/ops.ts";

/**
 * Asks every service instance for its `$SRV.STATS` and returns what answered within
 * `maxWaitMs` (collection stops early once answers pause for `jitterMs`). An empty
 * list means no service is registered, not an error.
 */
export async function collectServiceStats(
  nc: NatsConnection,
  opts: { maxWaitMs?: number; jitterMs?: number } = {},
): Promise<ServiceInstanceStats[]> {
  const client = nc.services.client({
    strategy: RequestStrategy.JitterTimer,
    maxWait: opts.maxWaitMs ?? 1000,
    jitter: opts.jitterMs ?? 150,
  });
  const found: ServiceInstanceStats[] = [];
  let answers: Awaited<ReturnType<typeof client.stats>>;
  try {
    answers = await client.stats();
  } catch (err) {
    if ((err as { code?: string }).code === ErrorCode.NoResponders) return found;
    throw err;
  }
  for await (const s of answers) {
    found.push({
      name: s.name,
      id: s.id,
      version: s.version,
      started: s.started,
      endpoints: (s.endpoints ?? []).map((e) => ({
        name: e.name,
        subject: e.subject,
        num_requests: e.num_requests,
        num_errors: e.num_errors,
        average_processing_time_ms: e.average_processing_time / 1e6,
        last_error: e.last_error || null,
      })),
    });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
