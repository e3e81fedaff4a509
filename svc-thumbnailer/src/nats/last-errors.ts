/**
 * The last transient error of each job this instance retried, by stream sequence, so a
 * MAX_DELIVERIES advisory handled here can say why the job kept failing. Bounded:
 * oldest entries go first; a miss only makes the reason less specific.
 */
export class LastErrors {
  private readonly errors = new Map<number, string>();
  constructor(private readonly capacity = 1000) {}

  remember(seq: number, reason: string): void {
    this.errors.delete(seq);
    this.errors.set(seq, reason);
    if (this.errors.size > this.capacity) {
      const oldest = this.errors.keys().next().value;
      if (oldest !== undefined) this.errors.delete(oldest);
    }
  }

  take(seq: number): string | undefined {
    const reason = this.errors.get(seq);
    this.errors.delete(seq);
    return reason;
  }
}
