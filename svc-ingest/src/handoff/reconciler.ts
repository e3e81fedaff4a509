import {
  isAppError,
  type Logger,
  type MediaStatus,
  RPC,
  request,
} from "@streamstack/contracts/server";
import { type HandoffDeps, queueJob } from "./handoff.ts";
import { HANDOFF_PREFIX, HandoffMarker, removeMedia } from "./marker.ts";

export interface ReconcileReport {
  finished: number;
  undone: number;
  waiting: number;
}

/**
 * Finishes hand-offs that a crash, a catalogue timeout or a JetStream outage left
 * behind (see handOff): makes sure catalogue has the item (media-create is idempotent
 * on media_id) and the job is queued, then drops the marker. If catalogue refuses the
 * item for good, the upload is undone instead. Outages just wait for the next round.
 * Markers younger than `graceMs` belong to hand-offs still running.
 */
export async function reconcileHandoffs(
  deps: HandoffDeps,
  opts: { graceMs: number },
): Promise<ReconcileReport> {
  const report: ReconcileReport = { finished: 0, undone: 0, waiting: 0 };
  const cutoff = Date.now() - opts.graceMs;
  for (const o of await deps.bucket.list(HANDOFF_PREFIX)) {
    if (o.lastModified.getTime() > cutoff) continue;
    const parsed = HandoffMarker.safeParse(await deps.bucket.getJson(o.key));
    if (!parsed.success) {
      await deps.bucket.remove(o.key);
      continue;
    }
    const marker = parsed.data;
    const log = deps.logger.child({ media_id: marker.media_id });
    try {
      let status: MediaStatus = "processing";
      if (marker.stage === "creating") {
        const { stage: _, ...create } = marker;
        ({ status } = (
          await request(deps.nc, RPC.mediaCreate, create, { timeoutMs: deps.catalogueTimeoutMs })
        ).item);
      }
      if (status === "processing") await queueJob(deps.js, marker);
      await deps.bucket.remove(o.key);
      report.finished++;
      log.info("hand-off finished by the reconciler");
    } catch (err) {
      if (isAppError(err) && err.status < 500) {
        log.error({ err }, "catalogue refused a left-over upload; removing it");
        await removeMedia(deps.bucket, marker.media_id);
        report.undone++;
      } else {
        log.warn({ err }, "hand-off still cannot finish; next round");
        report.waiting++;
      }
    }
  }
  return report;
}

/** Runs the reconciler now and then every `intervalMs`, never two rounds at once. */
export function startReconciler(
  deps: HandoffDeps,
  opts: { intervalMs: number; graceMs: number; logger: Logger },
): { runOnce(): Promise<ReconcileReport | undefined>; stop(): Promise<void> } {
  let running: Promise<ReconcileReport | undefined> | undefined;
  const runOnce = () => {
    running ??= reconcileHandoffs(deps, opts)
      .catch((err) => {
        opts.logger.warn({ err }, "reconcile round failed");
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void runOnce(), opts.intervalMs);
  timer.unref();
  void runOnce();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
