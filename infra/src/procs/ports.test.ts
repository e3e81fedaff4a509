import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ephemeralRange, freePortsBelowEphemeral } from "./ports.ts";

const held: Server[] = [];
afterEach(() => {
  for (const server of held.splice(0)) server.close();
});

function hold(port: number): Promise<void> {
  const server = createServer();
  held.push(server);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "0.0.0.0", resolve);
  });
}

describe("freePortsBelowEphemeral", () => {
  it("picks distinct ports between the floor and the kernel's ephemeral range", async () => {
    const [low] = ephemeralRange();
    const ports = await freePortsBelowEphemeral(10);
    expect(new Set(ports).size).toBe(10);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(low);
    }
  });

  it("never picks a port something listens on", async () => {
    const [low] = ephemeralRange();
    const floor = low - 3;
    await hold(floor + 1);
    const ports = await freePortsBelowEphemeral(2, floor);
    expect(ports.sort((a, b) => a - b)).toEqual([floor, floor + 2]);
    await expect(freePortsBelowEphemeral(3, floor)).rejects.toThrow(/no 3 free ports/);
  });
});
