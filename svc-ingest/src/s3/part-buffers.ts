/**
 * Part-sized buffers for the uploads running in this process, reused while any is in
 * use. A part is copied into one as its bytes arrive, so a request's own chunks die
 * young (a scavenge frees them) instead of living until their part is stored, and an
 * upload's parts cycle through the same few buffers instead of faulting in fresh memory
 * for each. When the last buffer comes back, the spare ones are dropped: an idle
 * process holds none. With a `limit`, `take` waits while that many are in use, which
 * bounds the memory of all uploads together.
 */
export class PartBuffers {
  readonly #spare: Buffer[] = [];
  readonly #waiting: (() => void)[] = [];
  #inUse = 0;

  /**
   * @param partBytes the size most parts have; other sizes are allocated for the part.
   * @param opts.keepSpare at most this many returned buffers wait for reuse.
   * @param opts.limit at most this many buffers are in use at once (default: no limit).
   */
  constructor(
    readonly partBytes: number,
    readonly opts: { keepSpare: number; limit?: number },
  ) {}

  /** A buffer of exactly `bytes`, the caller's until it gives it back. */
  async take(bytes = this.partBytes): Promise<Buffer> {
    while (this.#inUse >= (this.opts.limit ?? Number.POSITIVE_INFINITY)) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#inUse++;
    if (bytes === this.partBytes) {
      const spare = this.#spare.pop();
      if (spare) return spare;
    }
    return Buffer.allocUnsafeSlow(bytes); // not zeroed: every byte sent is written first
  }

  /** Returns a buffer from `take`; nothing may read or write it afterwards. */
  give(buffer: Buffer): void {
    if (this.#inUse === 0 || this.#spare.includes(buffer)) {
      throw new Error("part buffer given back twice");
    }
    this.#inUse--;
    const next = this.#waiting.shift();
    if (next) next();
    if (this.#inUse === 0 && !next) this.#spare.length = 0;
    else if (buffer.length === this.partBytes && this.#spare.length < this.opts.keepSpare) {
      this.#spare.push(buffer);
    }
  }

  /** Buffers taken and not given back, spares held, takers waiting. */
  get counts(): { inUse: number; spare: number; waiting: number } {
    return { inUse: this.#inUse, spare: this.#spare.length, waiting: this.#waiting.length };
  }
}
