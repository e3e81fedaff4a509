import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  displaySize,
  thumbnailSeekSeconds,
  thumbnailSize,
  thumbnailWindowFrames,
} from "./thumbnail.ts";

describe("thumbnailSize", () => {
  it.each([
    [
      { width: 1280, height: 720 },
      { width: 640, height: 360 },
    ],
    [
      { width: 1920, height: 1080 },
      { width: 640, height: 360 },
    ],
    [
      { width: 3840, height: 1608 },
      { width: 640, height: 268 },
    ],
    [
      { width: 720, height: 1280 },
      { width: 640, height: 1138 },
    ],
    [
      { width: 320, height: 240 },
      { width: 320, height: 240 },
    ],
    [
      { width: 321, height: 241 },
      { width: 320, height: 240 },
    ],
    [
      { width: 1, height: 1 },
      { width: 2, height: 2 },
    ],
    [
      { width: 4000, height: 2 },
      { width: 640, height: 2 },
    ],
  ])("%o → %o", (display, expected) => {
    expect(thumbnailSize(display)).toEqual(expected);
  });

  it("is never wider than the limit, always even, and keeps the aspect within rounding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8192 }), fc.integer({ min: 2, max: 8192 }), (w, h) => {
        const t = thumbnailSize({ width: w, height: h });
        expect(t.width).toBeLessThanOrEqual(Math.max(640, 2));
        expect(t.width).toBeLessThanOrEqual(Math.max(w, 2));
        expect(t.width % 2).toBe(0);
        expect(t.height % 2).toBe(0);
        expect(t.height).toBeGreaterThanOrEqual(2);
        // Rounding to even moves the height by at most 1 px from the exact value.
        const exact = (t.width * h) / w;
        expect(Math.abs(t.height - exact)).toBeLessThanOrEqual(Math.max(1, 2 - exact));
      }),
    );
  });
});

describe("displaySize", () => {
  it("swaps sides for quarter turns in either direction", () => {
    for (const rotation of [90, -90, 270, -270]) {
      expect(displaySize({ width: 1920, height: 1080 }, { rotation })).toEqual({
        width: 1080,
        height: 1920,
      });
    }
    expect(displaySize({ width: 1920, height: 1080 }, { rotation: 180 })).toEqual({
      width: 1920,
      height: 1080,
    });
  });

  it("stretches by the sample aspect ratio and ignores a missing one", () => {
    expect(displaySize({ width: 720, height: 480 }, { sampleAspect: 32 / 27 })).toEqual({
      width: 853,
      height: 480,
    });
    expect(displaySize({ width: 720, height: 480 }, { sampleAspect: 0 })).toEqual({
      width: 720,
      height: 480,
    });
  });
});

describe("thumbnailSeekSeconds", () => {
  it("looks 10 % in, at most 5 s, and at the start when the duration is unknown", () => {
    expect(thumbnailSeekSeconds(10)).toBe(1);
    expect(thumbnailSeekSeconds(3600)).toBe(5);
    expect(thumbnailSeekSeconds(0.5)).toBe(0.05);
    expect(thumbnailSeekSeconds(null)).toBe(0);
    expect(thumbnailSeekSeconds(0)).toBe(0);
    expect(thumbnailSeekSeconds(Number.NaN)).toBe(0);
  });
});

describe("thumbnailWindowFrames", () => {
  it("compares about a second of frames, within bounds", () => {
    expect(thumbnailWindowFrames(25)).toBe(25);
    expect(thumbnailWindowFrames(29.97)).toBe(30);
    expect(thumbnailWindowFrames(120)).toBe(60);
    expect(thumbnailWindowFrames(5)).toBe(10);
    expect(thumbnailWindowFrames(null)).toBe(25);
  });
});
