import { createServer } from "node:net";

/** A TCP port that was free a moment ago (the OS picks it; a tiny race remains). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on the port (checked on all interfaces, like a server would bind). */
export function isPortFree(port: number, host = "0.0.0.0"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly envVar: string,
  ) {
    super(
      `Port ${port} is already in use. Stop whatever listens there, or choose another port: ` +
        `${envVar}=<port> npm start`,
    );
    this.name = "PortInUseError";
  }
}

/** Fails fast, naming the env var to change, before anything is started. */
export async function assertPortsFree(ports: Record<string, number>): Promise<void> {
  for (const [envVar, port] of Object.entries(ports)) {
    if (!(await isPortFree(port))) throw new PortInUseError(port, envVar);
  }
}
