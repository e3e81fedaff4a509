import { JWKS_KEY, type Jwks, Jwks as JwksSchema } from "@streamstack/contracts";
import { type KV, type Logger, whileClusterSettles } from "@streamstack/contracts/server";
import { mergeJwks } from "../domain/jwks.ts";

/** The JWKS currently in KV `auth-keys` (empty when none was published). */
export async function readPublishedJwks(kv: KV): Promise<{ jwks: Jwks; revision: number }> {
  const entry = await kv.get(JWKS_KEY);
  if (entry?.operation !== "PUT") return { jwks: { keys: [] }, revision: entry?.revision ?? 0 };
  const parsed = JwksSchema.safeParse(entry.json());
  return { jwks: parsed.success ? parsed.data : { keys: [] }, revision: entry.revision };
}

/**
 * Publishes the signing key's public half to KV `auth-keys`, keeping earlier keys
 * (see mergeJwks). Compare-and-set on the entry's revision, so replicas starting at
 * the same moment (possibly with different keys during a rotation) never drop each
 * other's key. A write that timed out but landed fails the next compare-and-set and
 * is then found already published.
 */
export async function publishSigningKey(
  kv: KV,
  key: Jwks["keys"][number],
  logger: Logger,
): Promise<Jwks> {
  for (let attempt = 1; ; attempt++) {
    // A fresh cluster may not answer a KV read yet (TIMEOUT): wait it out, as for the bucket.
    const { jwks, revision } = await whileClusterSettles(() => readPublishedJwks(kv));
    const merged = mergeJwks(jwks, key);
    if (JSON.stringify(merged) === JSON.stringify(jwks)) return jwks; // already published
    try {
      const body = JSON.stringify(merged);
      if (revision === 0) await kv.create(JWKS_KEY, body);
      else await kv.update(JWKS_KEY, body, revision);
      logger.info({ kid: key.kid, kids: merged.keys.map((k) => k.kid) }, "signing key published");
      return merged;
    } catch (err) {
      if (attempt >= 10) throw err;
      logger.debug({ err, attempt }, "jwks changed meanwhile, merging again");
    }
  }
}
