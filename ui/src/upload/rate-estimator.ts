/**
 * Upload speed and time left from progress samples. Speed is an exponentially weighted
 * average over time (half-life ~3 s), so one slow or bursty chunk neither freezes nor
 * whipsaws the ETA. Pure: the caller passes timestamps.
 */
export class RateEstimator {
  #lastBytes: number | undefined;
  #lastAt: number | undefined;
  #rate: number | undefined;

  constructor(readonly halfLifeMs = 3000) {}

  /** Records that `bytes` in total were sent at `atMs`. */
  sample(bytes: number, atMs: number): void {
    if (this.#lastBytes === undefined || this.#lastAt === undefined || bytes < this.#lastBytes) {
      // First sample, or a resume restarted from a lower offset: start measuring afresh.
      this.#lastBytes = bytes;
      this.#lastAt = atMs;
      return;
    }
    const dt = atMs - this.#lastAt;
    if (dt <= 0) return;
    const instant = ((bytes - this.#lastBytes) / dt) * 1000;
    const weight = 1 - 0.5 ** (dt / this.halfLifeMs);
    this.#rate = this.#rate === undefined ? instant : this.#rate + weight * (instant - this.#rate);
    this.#lastBytes = bytes;
    this.#lastAt = atMs;
  }

  /** Forgets the timing (after a pause) but keeps the learned speed as a first guess. */
  pause(): void {
    this.#lastBytes = undefined;
    this.#lastAt = undefined;
  }

  /** Bytes per second, or undefined before two samples. */
  get bytesPerSecond(): number | undefined {
    return this.#rate;
  }

  /** Seconds left for `remaining` bytes, or undefined while the speed is unknown or zero. */
  secondsLeft(remaining: number): number | undefined {
    if (remaining <= 0) return 0;
    if (!this.#rate || this.#rate <= 0) return undefined;
    return remaining / this.#rate;
  }
}
