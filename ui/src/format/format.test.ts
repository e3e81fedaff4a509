// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatDuration,
  formatEta,
  formatFps,
  formatPercent,
  formatResolution,
  formatSpeed,
  titleFromFilename,
} from "./format.ts";

describe("formatDuration", () => {
  it("shows m:ss below an hour and h:mm:ss above", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(9.9)).toBe("0:09");
    expect(formatDuration(65)).toBe("1:05");
    expect(formatDuration(3599)).toBe("59:59");
    expect(formatDuration(3600)).toBe("1:00:00");
    expect(formatDuration(3725)).toBe("1:02:05");
  });
  it("shows a placeholder while the duration is unknown", () => {
    expect(formatDuration(null)).toBe("--:--");
    expect(formatDuration(Number.NaN)).toBe("--:--");
    expect(formatDuration(-1)).toBe("--:--");
  });
});

describe("formatBytes / formatSpeed", () => {
  it("uses decimal units with 3 significant digits", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1000)).toBe("1.00 KB");
    expect(formatBytes(1_536_000)).toBe("1.54 MB");
    expect(formatBytes(25_400_000)).toBe("25.4 MB");
    expect(formatBytes(734_000_000)).toBe("734 MB");
    expect(formatBytes(5_000_000_000_000_000)).toBe("5000 TB");
    expect(formatBytes(null)).toBe("–");
  });
  it("appends /s for speeds", () => {
    expect(formatSpeed(3_200_000)).toBe("3.20 MB/s");
    expect(formatSpeed(null)).toBe("–");
  });
});

describe("formatEta", () => {
  it("rounds like a person says it", () => {
    expect(formatEta(0.2)).toBe("1 s left");
    expect(formatEta(45)).toBe("45 s left");
    expect(formatEta(150)).toBe("3 min left");
    expect(formatEta(3600)).toBe("1 h left");
    expect(formatEta(3900)).toBe("1 h 5 min left");
  });
  it("says it is estimating when the speed is not known", () => {
    expect(formatEta(null)).toBe("estimating…");
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe("estimating…");
  });
});

describe("formatPercent", () => {
  it("never shows 100% before the last byte", () => {
    expect(formatPercent(0, 100)).toBe("0%");
    expect(formatPercent(999, 1000)).toBe("99%");
    expect(formatPercent(1000, 1000)).toBe("100%");
    expect(formatPercent(5, 0)).toBe("0%");
  });
});

describe("metadata", () => {
  it("formats resolution and fps", () => {
    expect(formatResolution(1280, 720)).toBe("1280×720");
    expect(formatResolution(null, 720)).toBe("–");
    expect(formatFps(25)).toBe("25 fps");
    expect(formatFps(29.97002997)).toBe("29.97 fps");
    expect(formatFps(null)).toBe("–");
  });
});

describe("titleFromFilename", () => {
  it("drops the extension and underscores", () => {
    expect(titleFromFilename("my_holiday_2024.mp4")).toBe("my holiday 2024");
    expect(titleFromFilename("clip.final.mov")).toBe("clip.final");
    expect(titleFromFilename(".mp4")).toBe(".mp4");
    expect(titleFromFilename("noext")).toBe("noext");
  });
});
