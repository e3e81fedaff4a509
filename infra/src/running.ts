import { type Stoppable, tailFile } from "./procs/process.ts";

interface Entry {
  name: string;
  server: Stoppable;
  logFile: string;
}

/**
 * What the stack has started, in layers (infra one by one, then all services, then nginx).
 * Stops layers in reverse order, each layer in parallel, and turns an unexpected exit of
 * anything into a stop of everything: a half-running stack only confuses.
 */
export class Running {
  private readonly layers: Entry[][] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly onCrash: (message: string) => void) {}

  /** A layer of its own, for things started one at a time. */
  add(entry: Entry): void {
    this.layer()(entry);
  }

  /** A layer to fill as its members become ready (services start in parallel). */
  layer(): (entry: Entry) => void {
    const layer: Entry[] = [];
    this.layers.push(layer);
    return (entry) => {
      layer.push(entry);
      void entry.server.exited.then(async (status) => {
        if (this.stopping) return;
        const how = status.signal ? `signal ${status.signal}` : `code ${status.code}`;
        const tail = await tailFile(entry.logFile, 20);
        this.onCrash(
          `${entry.name} exited unexpectedly (${how}). Last lines of ${entry.logFile}:\n${tail}`,
        );
      });
    };
  }

  get size(): number {
    return this.layers.flat().length;
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Idempotent: a second Ctrl-C (or a forwarded signal) joins the stop already running. */
  stopAll(log: (line: string) => void): Promise<void> {
    this.stopping ??= (async () => {
      for (const layer of [...this.layers].reverse()) {
        if (layer.length === 0) continue;
        log(`stopping ${layer.map((e) => e.name).join(", ")}`);
        await Promise.all(layer.map((e) => e.server.stop().catch(() => {})));
      }
    })();
    return this.stopping;
  }
}
