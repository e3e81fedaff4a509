import { readFileSync } from "node:fs";
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

/** The kernel's range for ports it hands out: listen(0) and every outgoing connection's local port. */
export function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux: the IANA range, which macOS and Windows use
  }
  return [49152, 65535];
}

/**
 * `count` distinct ports, free now, below the kernel's ephemeral range. For a stack started
 * long after its ports are picked (a build first, restarts later): a port from freePort() can
 * meanwhile be handed to another test's listen(0) or to any client socket, which blocks a later
 * bind; nothing is handed a port outside that range unless it asks for it by number.
 */
export async function freePortsBelowEphemeral(count: number, floor = 10_000): Promise<number[]> {
  const [low] = ephemeralRange();
  const picked = new Set<number>();
  for (let tries = 0; picked.size < count; tries++) {
    if (tries > count * 100) throw new Error(`no ${count} free ports in ${floor}-${low - 1}`);
    const port = floor + Math.floor(Math.random() * (low - floor));
    // Free on 0.0.0.0 means free on 127.0.0.1 too: a listener on either blocks that bind.
    if (!picked.has(port) && (await isPortFree(port))) picked.add(port);
  }
  return [...picked];
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
