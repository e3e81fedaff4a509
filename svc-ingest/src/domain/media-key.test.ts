import { describe, expect, it } from "vitest";
import { mediaKey, mediaKeyPrefix, parseMediaKey } from "./media-key.ts";

const id = "0b6f3a7e-2c4d-4e8f-9a1b-3c5d7e9f1a2b";

describe("media keys", () => {
  it("round-trips a media id and extension", () => {
    expect(parseMediaKey(mediaKey(id, "mp4"))).toEqual({ mediaId: id, ext: "mp4" });
    expect(mediaKey(id, "webm").startsWith(mediaKeyPrefix(id))).toBe(true);
  });

  it("rejects keys that are not <uuid>.<ext>", () => {
    for (const bad of [`${id}`, `${id}.mp4.info`, `../${id}.mp4`, "x.mp4", `${id}.MP4`]) {
      expect(parseMediaKey(bad)).toBeUndefined();
    }
  });
});
