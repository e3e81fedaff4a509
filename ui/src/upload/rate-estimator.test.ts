// @vitest-environment node
import { describe, expect, it } from "vitest";
import { RateEstimator } from "./rate-estimator.ts";

describe("RateEstimator", () => {
  it("knows nothing before two samples", () => {
    const r = new RateEstimator();
    r.sample(0, 0);
    expect(r.bytesPerSecond).toBeUndefined();
    expect(r.secondsLeft(1000)).toBeUndefined();
  });

  it("measures a steady rate exactly and derives the time left", () => {
    const r = new RateEstimator();
    for (let t = 0; t <= 10_000; t += 500) r.sample(t * 1000, t); // 1 MB/s
    expect(r.bytesPerSecond).toBeCloseTo(1_000_000, 3);
    expect(r.secondsLeft(5_000_000)).toBeCloseTo(5, 3);
    expect(r.secondsLeft(0)).toBe(0);
  });

  it("follows a change of speed smoothly rather than jumping", () => {
    const r = new RateEstimator(3000);
    for (let t = 0; t <= 10_000; t += 1000) r.sample(t * 1000, t); // 1 MB/s
    r.sample(10_000_000 + 4_000_000, 11_000); // one chunk at 4 MB/s
    const rate = r.bytesPerSecond ?? 0;
    expect(rate).toBeGreaterThan(1_000_000);
    expect(rate).toBeLessThan(4_000_000);
  });

  it("restarts timing after a pause or a lower offset, keeping the last speed", () => {
    const r = new RateEstimator();
    r.sample(0, 0);
    r.sample(2_000_000, 1000);
    r.pause();
    r.sample(2_000_000, 60_000); // resumed a minute later: the idle minute is not a slowdown
    expect(r.bytesPerSecond).toBeCloseTo(2_000_000);
    r.sample(3_000_000, 60_500);
    expect(r.bytesPerSecond).toBeGreaterThan(1_000_000);
    r.sample(1_000, 61_000); // server had less than we sent: starts over
    expect(r.bytesPerSecond).toBeGreaterThan(1_000_000);
  });

  it("ignores samples without elapsed time", () => {
    const r = new RateEstimator();
    r.sample(0, 100);
    r.sample(500, 100);
    expect(r.bytesPerSecond).toBeUndefined();
  });
});
