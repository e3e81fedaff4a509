import { AppError } from "@streamstack/contracts";
import { describe, expect, it } from "vitest";
import { readTusMetadata } from "./tus-metadata.ts";
import { checkDeclaredLength, FORM_OVERHEAD_BYTES, readMediaText } from "./upload-form.ts";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return "ok";
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
};

describe("checkDeclaredLength", () => {
  it("lets a file of exactly the limit through, with its form around it", () => {
    expect(codeOf(() => checkDeclaredLength(String(1000 + FORM_OVERHEAD_BYTES), 1000))).toBe("ok");
    expect(codeOf(() => checkDeclaredLength(undefined, 1000))).toBe("ok");
  });

  it("answers 413 when the body cannot fit, 400 when it is no number", () => {
    expect(codeOf(() => checkDeclaredLength(String(1001 + FORM_OVERHEAD_BYTES), 1000))).toBe(
      "payload_too_large",
    );
    expect(codeOf(() => checkDeclaredLength("12abc", 1000))).toBe("invalid_request");
  });
});

describe("readMediaText", () => {
  it("trims, requires a title and defaults the description", () => {
    expect(readMediaText({ title: "  Trip  " })).toEqual({ title: "Trip", description: "" });
    expect(codeOf(() => readMediaText({ title: "   " }))).toBe("invalid_request");
    expect(codeOf(() => readMediaText({ title: "x".repeat(201) }))).toBe("invalid_request");
    expect(codeOf(() => readMediaText({ title: "t", description: "d".repeat(5001) }))).toBe(
      "invalid_request",
    );
  });
});

describe("readTusMetadata", () => {
  it("reads tus-js-client and Uppy style metadata", () => {
    expect(
      readTusMetadata({ filename: "a.webm", title: "A", filetype: "video/webm" }),
    ).toMatchObject({
      title: "A",
      description: "",
      format: { ext: "webm" },
    });
    expect(readTusMetadata({ name: "b.mp4", type: "video/mp4", title: "B" }).format.ext).toBe(
      "mp4",
    );
  });

  it("refuses a missing filename (400) and a non-video (415) at creation", () => {
    expect(codeOf(() => readTusMetadata({ title: "x" }))).toBe("invalid_request");
    expect(codeOf(() => readTusMetadata(undefined))).toBe("invalid_request");
    expect(codeOf(() => readTusMetadata({ filename: "a.txt", title: "x" }))).toBe(
      "unsupported_media_type",
    );
  });
});
