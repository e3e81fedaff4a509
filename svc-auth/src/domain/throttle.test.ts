import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { judgeFailures, strictest, throttleKey } from "./throttle.ts";

const rule = { maxFailures: 3, windowMs: 60_000 };
const now = 1_000_000;

describe("judgeFailures", () => {
  it("allows while fewer than maxFailures are inside the window", () => {
    expect(judgeFailures([], rule, now)).toEqual({ blocked: false });
    expect(judgeFailures([now - 1000, now - 2000], rule, now)).toEqual({ blocked: false });
  });

  it("ignores failures that have left the window", () => {
    const old = [now - 60_000, now - 90_000, now - 120_000];
    expect(judgeFailures([...old, now - 1], rule, now)).toEqual({ blocked: false });
  });

  it("blocks at maxFailures until the oldest counted failure leaves the window", () => {
    // failures 10 s, 20 s and 30 s ago: the one 30 s ago leaves the window in 30 s
    const verdict = judgeFailures([now - 20_000, now - 30_000, now - 10_000], rule, now);
    expect(verdict).toEqual({ blocked: true, retryAfterS: 30 });
  });

  it("with more failures than the limit, waits for the limit-th most recent one", () => {
    const failures = [now - 5_000, now - 10_000, now - 15_000, now - 50_000, now - 55_000];
    expect(judgeFailures(failures, rule, now)).toEqual({ blocked: true, retryAfterS: 45 });
  });

  it("rounds the wait up and never answers 0 seconds", () => {
    const edge = [now - 59_999, now - 59_999, now - 59_999];
    expect(judgeFailures(edge, rule, now)).toEqual({ blocked: true, retryAfterS: 1 });
    const half = [now - 500, now - 500, now - 500];
    expect(judgeFailures(half, rule, now)).toEqual({ blocked: true, retryAfterS: 60 });
  });

  it("is unblocked exactly when the announced wait has passed (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        (ages, maxFailures) => {
          const r = { maxFailures, windowMs: 60_000 };
          const failures = ages.map((a) => now - a);
          const verdict = judgeFailures(failures, r, now);
          if (!verdict.blocked) return;
          const later = now + verdict.retryAfterS * 1000;
          expect(judgeFailures(failures, r, later)).toEqual({ blocked: false });
          // one second earlier it was still blocked (the wait is not overstated)
          if (verdict.retryAfterS > 1) {
            expect(judgeFailures(failures, r, later - 1000).blocked).toBe(true);
          }
        },
      ),
    );
  });
});

describe("strictest", () => {
  it("takes the longest wait of the blocked verdicts", () => {
    expect(strictest([{ blocked: false }, { blocked: false }])).toEqual({ blocked: false });
    expect(
      strictest([
        { blocked: true, retryAfterS: 5 },
        { blocked: false },
        { blocked: true, retryAfterS: 40 },
      ]),
    ).toEqual({ blocked: true, retryAfterS: 40 });
  });
});

describe("throttleKey", () => {
  it("keeps emails and IPs apart and ignores email case", () => {
    expect(throttleKey.email("A@B.io")).toBe("email:a@b.io");
    expect(throttleKey.ip("10.0.0.1")).toBe("ip:10.0.0.1");
  });
});
