import { AppError, type KV, type Logger, StreamTokenRecord } from "@streamstack/contracts/server";
import { LRUCache } from "lru-cache";
import { mediaEtag, streamTokenExpiry } from "../domain/stream-token.ts";

/** A resolved token with what every range request of it needs, computed once. */
export interface StreamGrant {
  record: StreamTokenRecord;
  expiresAtMs: number;
  etag: string;
}

export interface StreamTokenStore {
  /** Records a freshly issued token in KV (and warms this replica's cache). */
  put(token: string, record: StreamTokenRecord): Promise<void>;
  /** The grant behind a token, or undefined when it is unknown or expired. */
  resolve(token: string): Promise<StreamGrant | undefined>;
}

/**
 * Stream tokens live in KV `stream-tokens` (bucket TTL); each replica keeps a bounded
 * LRU of the ones it has seen, so a playing video costs one KV read, not one per range
 * request. A cached grant is dropped the moment it expires, whatever KV still holds.
 */
export function createStreamTokenStore(
  kv: KV,
  opts: { ttlMs: number; maxEntries: number; logger: Logger; now?: () => number },
): StreamTokenStore {
  const now = opts.now ?? Date.now;
  const cache = new LRUCache<string, StreamGrant>({ max: opts.maxEntries });
  // Concurrent first requests of one token (a player opening a video) share one KV read.
  const pending = new Map<string, Promise<StreamGrant | undefined>>();

  const grantFor = (record: StreamTokenRecord): StreamGrant => ({
    record,
    expiresAtMs: streamTokenExpiry(record, opts.ttlMs),
    etag: mediaEtag(record),
  });

  async function load(token: string): Promise<StreamGrant | undefined> {
    const entry = await kv.get(token).catch((cause: unknown) => {
      throw new AppError("unavailable", "the stream-token store is unreachable", undefined, {
        cause,
      });
    });
    if (entry?.operation !== "PUT") return undefined;
    // A value that is not JSON makes `json()` throw: unreadable like a bad shape, not a 500.
    const parsed = StreamTokenRecord.safeParse(safeJson(() => entry.json()));
    if (!parsed.success) {
      opts.logger.warn({ token_prefix: token.slice(0, 6) }, "unreadable stream-token record");
      return undefined;
    }
    const grant = grantFor(parsed.data);
    if (grant.expiresAtMs <= now()) return undefined;
    cache.set(token, grant);
    return grant;
  }

  return {
    async put(token, record) {
      await kv.create(token, JSON.stringify(record));
      cache.set(token, grantFor(record));
    },
    resolve(token) {
      const cached = cache.get(token);
      if (cached) {
        if (cached.expiresAtMs > now()) return Promise.resolve(cached);
        cache.delete(token);
        return Promise.resolve(undefined);
      }
      let loading = pending.get(token);
      if (!loading) {
        loading = load(token).finally(() => pending.delete(token));
        pending.set(token, loading);
      }
      return loading;
    },
  };
}

function safeJson(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return undefined;
  }
}
