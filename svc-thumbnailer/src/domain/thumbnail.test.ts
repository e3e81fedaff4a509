import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decoderThreads,
  displaySize,
  skipsNonReferenceFrames,
  thumbnailSeekSeconds,
  thumbnailSize,
  thumbnailWindowFrames,
  thumbnailWindowSeconds,
} from "./thumbnail.ts";

describe("thumbnailSize", () => {
  // [display width, display height, thumbnail width, thumbnail height]
  it.each([
    [1280, 720, 640, 360],
    [1920, 1080, 640, 360],
    [3840, 1608, 640, 268],
    [720, 1280, 360, 640],
    [1080, 1080, 640, 640],
    [320, 240, 320, 240],
    [321, 241, 320, 240],
    [8, 3, 8, 2],
    [1, 1, 2, 2],
    [4000, 2, 640, 2],
    [2, 4000, 2, 640],
  ])("%i x %i → %i x %i", (width, height, tw, th) => {
    expect(thumbnailSize({ width, height })).toEqual({ width: tw, height: th });
  });

  it("fits the 640 box, never upscales, stays even, and keeps the aspect within rounding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8192 }), fc.integer({ min: 2, max: 8192 }), (w, h) => {
        const t = thumbnailSize({ width: w, height: h });
        expect(t.width % 2).toBe(0);
        expect(t.height % 2).toBe(0);
        expect(Math.max(t.width, t.height)).toBeLessThanOrEqual(640);
        expect(t.width).toBeLessThanOrEqual(Math.max(w, 2));
        expect(t.height).toBeLessThanOrEqual(Math.max(h, 2));
        // The long side is exact (even-rounded down); the short side is within 1 px of
        // the exact value (or clamped to the 2 px minimum).
        const exactShort = w >= h ? (t.width * h) / w : (t.height * w) / h;
        const short = w >= h ? t.height : t.width;
        expect(Math.abs(short - exactShort)).toBeLessThanOrEqual(Math.max(1, 2 - exactShort));
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

describe("decoding shortcuts", () => {
  it.each([
    [25, 1],
    [29.97, 1.001],
    [120, 0.5],
    [5, 2],
    [null, null],
    [0, null],
  ])("%s fps → a window of %s s", (fps, seconds) => {
    expect(thumbnailWindowSeconds(fps)).toBe(seconds);
  });

  it("skips non-reference frames only for codecs known to have them", () => {
    expect(skipsNonReferenceFrames("h264")).toBe(true);
    expect(skipsNonReferenceFrames("hevc")).toBe(true);
    expect(skipsNonReferenceFrames("vp9")).toBe(false);
    expect(skipsNonReferenceFrames("mjpeg")).toBe(false);
    expect(skipsNonReferenceFrames(null)).toBe(false);
  });

  it.each([
    [2, 2, 1],
    [2, 1, 2],
    [8, 2, 4],
    [1, 4, 1],
    [0, 2, 1],
    [Number.NaN, 2, 1],
  ])("%d cores, %d jobs at once → %d decoder threads per run", (cores, jobs, threads) => {
    expect(decoderThreads(cores, jobs)).toBe(threads);
  });
});
