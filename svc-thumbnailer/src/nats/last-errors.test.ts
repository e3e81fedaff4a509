import { describe, expect, it } from "vitest";
import { LastErrors } from "./last-errors.ts";

describe("LastErrors", () => {
  it("keeps the latest reason per sequence and hands it out once", () => {
    const errors = new LastErrors();
    errors.remember(7, "ffprobe failed");
    errors.remember(7, "ffmpeg was killed by SIGKILL");
    expect(errors.take(7)).toBe("ffmpeg was killed by SIGKILL");
    expect(errors.take(7)).toBeUndefined();
  });

  it("forgets the least recently updated entry beyond its capacity", () => {
    const errors = new LastErrors(2);
    errors.remember(1, "a");
    errors.remember(2, "b");
    errors.remember(1, "a again"); // 1 is now the most recent
    errors.remember(3, "c");
    expect(errors.take(2)).toBeUndefined();
    expect(errors.take(1)).toBe("a again");
    expect(errors.take(3)).toBe("c");
  });
});
