/**
 * The close() of a composition root: steps registered as resources come up, run in
 * reverse order once, however many times close() is called (a failed start and a
 * signal may both ask).
 */
export class Teardown {
  private readonly steps: Array<() => Promise<unknown> | unknown> = [];
  private closing: Promise<void> | undefined;

  /** Registers what undoes the resource just acquired. */
  defer(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const step of this.steps.reverse()) await step();
    })();
    return this.closing;
  }
}
