import { describe, expect, it } from "vitest";
import { Teardown } from "./teardown.ts";

describe("Teardown", () => {
  it("runs steps once, newest first, however often close() is called", async () => {
    const order: string[] = [];
    const t = new Teardown();
    t.defer(() => order.push("nats"));
    t.defer(async () => order.push("db"));
    t.defer(() => order.push("http"));
    await Promise.all([t.close(), t.close()]);
    await t.close();
    expect(order).toEqual(["http", "db", "nats"]);
  });
});
