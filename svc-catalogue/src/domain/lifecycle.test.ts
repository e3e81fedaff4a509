import { MediaStatus } from "@streamstack/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canTransition, sourcesOf, statusAfter } from "./lifecycle.ts";

const statuses = MediaStatus.options;

describe("media lifecycle", () => {
  it("moves processing to published or failed, and nothing else anywhere", () => {
    const allowed = statuses.flatMap((from) =>
      statuses.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed).toEqual(["processing→published", "processing→failed"]);
  });

  it("only ever applies a result to an item that is still processing", () => {
    expect(sourcesOf("published")).toEqual(["processing"]);
    expect(sourcesOf("failed")).toEqual(["processing"]);
    expect(sourcesOf("processing")).toEqual([]);
  });

  it("maps outcomes to statuses", () => {
    expect(statusAfter("succeeded")).toBe("published");
    expect(statusAfter("failed")).toBe("failed");
  });

  it("ends every sequence of results in the state of the first one (order safety)", () => {
    const outcomes = fc.array(fc.constantFrom("succeeded" as const, "failed" as const), {
      minLength: 1,
      maxLength: 20,
    });
    fc.assert(
      fc.property(outcomes, (seq) => {
        let status: MediaStatus = "processing";
        let transitions = 0;
        for (const outcome of seq) {
          const to = statusAfter(outcome);
          if (sourcesOf(to).includes(status)) {
            status = to;
            transitions++;
          }
        }
        expect(status).toBe(statusAfter(seq[0]!));
        expect(transitions).toBe(1);
      }),
    );
  });
});
