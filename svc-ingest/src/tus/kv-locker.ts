import { randomUUID } from "node:crypto";
import { type KV, type NatsConnection, SUBJECTS } from "@streamstack/contracts/server";
import { ERRORS, type Lock, type Locker, type RequestRelease } from "@tus/utils";

/**
 * A tus Locker shared by every ingest replica, so two requests for one upload never
 * write at once, whichever replica each lands on (a resumed PATCH may reach another
 * replica while the first still winds down its dropped one). The lock is a key in KV
 * `ingest-tus-locks` made with `create` (only one wins); the holder renews it as a
 * lease, so a crashed replica's lock expires with the bucket's max age. A waiting
 * request asks the holder to let go over NATS, as @tus/server's MemoryLocker does
 * in-process: the holder stops reading, stores what it has, and unlocks.
 */
export class NatsKvLocker implements Locker {
  constructor(
    readonly kv: KV,
    readonly nc: NatsConnection,
    readonly opts: { leaseMs: number; acquireTimeoutMs: number; retryMs?: number },
  ) {}

  newLock(id: string): Lock {
    return new NatsKvLock(id, this);
  }
}

class NatsKvLock implements Lock {
  private revision = 0;
  private renewal: NodeJS.Timeout | undefined;
  /** Renewals run one after another; unlock waits for the last so it deletes the right revision. */
  private renewing: Promise<void> = Promise.resolve();
  private releaseRequests: { unsubscribe(): void } | undefined;
  private readonly holder = randomUUID();

  constructor(
    private readonly id: string,
    private readonly locker: NatsKvLocker,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { kv, nc, opts } = this.locker;
    const deadline = Date.now() + opts.acquireTimeoutMs;
    for (;;) {
      if (signal.aborted) throw ERRORS.ERR_LOCK_TIMEOUT;
      try {
        this.revision = await kv.create(this.id, this.holder);
        break;
      } catch (err) {
        if ((err as { api_error?: { err_code?: number } }).api_error?.err_code !== 10071) throw err;
      }
      nc.publish(SUBJECTS.tusLockRelease(this.id));
      if (Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      await new Promise((r) => setTimeout(r, opts.retryMs ?? 50));
    }
    this.releaseRequests = nc.subscribe(SUBJECTS.tusLockRelease(this.id), {
      callback: (err) => {
        if (!err) void requestRelease();
      },
    });
    this.renewal = setInterval(() => {
      this.renewing = this.renewing
        .then(() => kv.update(this.id, this.holder, this.revision))
        .then(
          (revision) => {
            this.revision = revision;
          },
          () => undefined, // lost (expired and taken): nothing left to renew
        );
    }, opts.leaseMs / 3);
    this.renewal.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.renewal);
    this.releaseRequests?.unsubscribe();
    await this.renewing;
    await this.locker.kv.delete(this.id, { previousSeq: this.revision }).catch(() => undefined);
  }
}
