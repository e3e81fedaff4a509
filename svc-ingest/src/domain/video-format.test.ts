import { AppError } from "@streamstack/contracts";
import { describe, expect, it } from "vitest";
import { assertContainerMatches, resolveVideoFormat, sniffContainer } from "./video-format.ts";

const ftyp = Buffer.from("000000206674797069736f6d0000020069736f6d69736f32617663316d703431", "hex");
const ebml = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]);

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return "ok";
};

describe("resolveVideoFormat", () => {
  it("takes the format from the extension, case-insensitively", () => {
    expect(resolveVideoFormat("Holiday.MP4", "video/mp4")).toMatchObject({
      ext: "mp4",
      contentType: "video/mp4",
      family: "isobmff",
    });
    expect(resolveVideoFormat("clip.webm", undefined).family).toBe("ebml");
  });

  it("accepts neutral declared types (curl sends application/octet-stream)", () => {
    expect(resolveVideoFormat("a.mov", "application/octet-stream").contentType).toBe(
      "video/quicktime",
    );
    expect(resolveVideoFormat("a.mkv", "").ext).toBe("mkv");
  });

  it("refuses non-video extensions and declared non-video types with 415", () => {
    expect(code(() => resolveVideoFormat("notes.txt", "text/plain"))).toBe(
      "unsupported_media_type",
    );
    expect(code(() => resolveVideoFormat("noext", "video/mp4"))).toBe("unsupported_media_type");
    expect(code(() => resolveVideoFormat("a.mp4", "text/plain; charset=utf-8"))).toBe(
      "unsupported_media_type",
    );
    expect(code(() => resolveVideoFormat("a.mp4", "image/png"))).toBe("unsupported_media_type");
  });
});

describe("sniffContainer", () => {
  it("recognises the common containers", () => {
    expect(sniffContainer(ftyp)).toBe("isobmff");
    expect(sniffContainer(ebml)).toBe("ebml");
    expect(sniffContainer(Buffer.from("RIFF\0\0\0\0AVI LIST"))).toBe("avi");
    expect(sniffContainer(Buffer.from([0, 0, 1, 0xba, 0x44]))).toBe("mpeg-ps");
    expect(sniffContainer(Buffer.from("OggS\0\x02"))).toBe("ogg");
    const ts = Buffer.alloc(376);
    ts[0] = 0x47;
    ts[188] = 0x47;
    expect(sniffContainer(ts)).toBe("mpeg-ts");
  });

  it("recognises nothing in text or short input", () => {
    expect(sniffContainer(Buffer.from("hello, this is a text file\n"))).toBeUndefined();
    expect(sniffContainer(Buffer.alloc(0))).toBeUndefined();
    expect(sniffContainer(Buffer.from("fty"))).toBeUndefined();
  });
});

describe("assertContainerMatches", () => {
  it("passes content that is what its extension says", () => {
    expect(code(() => assertContainerMatches(resolveVideoFormat("a.mp4", ""), ftyp))).toBe("ok");
  });

  it("refuses a text file renamed .mp4 and a WebM named .mp4", () => {
    const mp4 = resolveVideoFormat("a.mp4", "video/mp4");
    expect(code(() => assertContainerMatches(mp4, Buffer.from("just text\n")))).toBe(
      "unsupported_media_type",
    );
    expect(code(() => assertContainerMatches(mp4, ebml))).toBe("unsupported_media_type");
  });
});
