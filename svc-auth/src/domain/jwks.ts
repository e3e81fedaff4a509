import type { Jwks } from "@streamstack/contracts";

/** Keys kept in the published set: the current one and up to two predecessors. */
export const MAX_PUBLISHED_KEYS = 3;

type Jwk = Jwks["keys"][number];

/**
 * The JWKS to publish when `current` starts signing: it comes first, and keys that
 * were published before stay (newest first) so tokens they signed keep verifying
 * until they expire. A rotation therefore never logs anyone out, provided keys are
 * rotated no more often than twice per access-token lifetime.
 */
export function mergeJwks(published: Jwks | undefined, current: Jwk): Jwks {
  const previous = (published?.keys ?? []).filter((k) => k.kid !== current.kid);
  return { keys: [current, ...previous].slice(0, MAX_PUBLISHED_KEYS) };
}
