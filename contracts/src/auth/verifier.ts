import { createLocalJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from "jose";
import type { KV, KvEntry, NatsConnection } from "nats";
import type { Logger } from "pino";
import { AppError } from "../errors.ts";
import { openBucket, whileClusterSettles } from "../nats/jetstream.ts";
import { BUCKETS, JWKS_KEY } from "../nats/topology.ts";
import { AccessClaims, Jwks, Revocation, type Role } from "../schemas/auth.ts";

export interface TokenVerifier {
  /** Verifies signature (RS256 only), issuer, expiry and revocation; returns the claims. */
  verify(token: string): Promise<AccessClaims>;
  /** As `verify`, then requires `role` (admins pass every role check). */
  verifyRole(token: string, role: Role): Promise<AccessClaims>;
  isRevoked(jti: string): boolean;
  stop(): void;
}

/** Key under which a revoked access-token id is stored in KV `revoked-tokens`. */
export const revokedJtiKey = (jti: string) => `jti.${jti}`;

/**
 * Verifies access tokens locally, as every service does: the public JWKS comes from
 * KV `auth-keys` and the revoked ids from KV `revoked-tokens`, both watched so a new
 * key or a logout propagates within milliseconds. Resolves once both are loaded.
 */
export async function startTokenVerifier(opts: {
  nc: NatsConnection;
  issuer: string;
  replicas: number;
  logger: Logger;
}): Promise<TokenVerifier> {
  const keysKv = await openBucket(opts.nc, BUCKETS.authKeys, opts);
  const revokedKv = await openBucket(opts.nc, BUCKETS.revokedTokens, opts);
  let keySet: JWTVerifyGetKey | undefined;
  const revoked = new Map<string, number>(); // jti → ms when it can be forgotten

  const stopKeys = await watchInitialized(keysKv, JWKS_KEY, (e) => {
    const parsed = e.operation === "PUT" ? Jwks.safeParse(jsonOf(e)) : undefined;
    if (parsed?.success) keySet = createLocalJWKSet(parsed.data);
    else opts.logger.warn({ op: e.operation }, "auth-keys entry ignored");
  });
  const stopRevoked = await watchInitialized(revokedKv, "jti.>", (e) => {
    const jti = e.key.slice("jti.".length);
    if (e.operation !== "PUT") return void revoked.delete(jti);
    const r = Revocation.safeParse(jsonOf(e));
    revoked.set(
      jti,
      r.success ? Date.parse(r.data.expires_at) : Date.now() + BUCKETS.revokedTokens.ttlMs,
    );
  });
  const prune = setInterval(() => {
    const now = Date.now();
    for (const [jti, until] of revoked) if (until < now) revoked.delete(jti);
  }, 60_000).unref();

  const verifier: TokenVerifier = {
    async verify(token) {
      if (!keySet) throw new AppError("unavailable", "signing keys are not published yet");
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          issuer: opts.issuer,
          algorithms: ["RS256"],
        }));
      } catch (cause) {
        const expired = cause instanceof joseErrors.JWTExpired;
        throw new AppError(
          "unauthorized",
          expired ? "access token expired" : "invalid access token",
          undefined,
          {
            cause,
          },
        );
      }
      const claims = AccessClaims.safeParse(payload);
      if (!claims.success) throw new AppError("unauthorized", "access token has unexpected claims");
      if (revoked.has(claims.data.jti)) throw new AppError("unauthorized", "access token revoked");
      return claims.data;
    },
    async verifyRole(token, role) {
      const claims = await verifier.verify(token);
      if (role === "admin" && claims.role !== "admin") {
        throw new AppError("forbidden", "this needs an admin account");
      }
      return claims;
    },
    isRevoked: (jti) => revoked.has(jti),
    stop() {
      clearInterval(prune);
      stopKeys();
      stopRevoked();
    },
  };
  return verifier;
}

/**
 * An entry's value as JSON, undefined when it is not JSON: `e.json()` throws on such a
 * value, which ended the watch (later revocations were never seen) and, unhandled,
 * took the process down.
 */
function jsonOf(e: KvEntry): unknown {
  try {
    return e.json();
  } catch {
    return undefined;
  }
}

async function watchInitialized(
  kv: KV,
  key: string,
  onEntry: (e: KvEntry) => void,
): Promise<() => void> {
  let ready!: () => void;
  const initialized = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const iter = await whileClusterSettles(() => kv.watch({ key, initializedFn: () => ready() }), 8);
  void (async () => {
    for await (const e of iter) onEntry(e);
  })();
  await initialized;
  return () => iter.stop();
}
