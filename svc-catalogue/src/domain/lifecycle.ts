import type { MediaStatus, ProcessingResult } from "@streamstack/contracts";

/**
 * The media state machine. `processing` is the only state that moves; `published` and
 * `failed` are final, so a late or duplicate processing result can never undo an
 * outcome. The database enforces this with a conditional UPDATE on `sourcesOf(to)`.
 */
const TRANSITIONS: Readonly<Record<MediaStatus, readonly MediaStatus[]>> = {
  processing: ["published", "failed"],
  published: [],
  failed: [],
};

export function canTransition(from: MediaStatus, to: MediaStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses an item may be in for a move to `to` to happen. */
export function sourcesOf(to: MediaStatus): MediaStatus[] {
  return (Object.keys(TRANSITIONS) as MediaStatus[]).filter((from) => canTransition(from, to));
}

/** Where a processing outcome takes an item (and the event it announces). */
export function statusAfter(outcome: ProcessingResult["outcome"]): "published" | "failed" {
  return outcome === "succeeded" ? "published" : "failed";
}
