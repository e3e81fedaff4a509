import { describe, expect, it } from "vitest";
import { isStreamTokenShaped, mediaEtag, streamTokenExpiry, streamUrl } from "./stream-token.ts";

describe("stream tokens", () => {
  it("accepts only 43 base64url characters", () => {
    expect(isStreamTokenShaped("A".repeat(43))).toBe(true);
    expect(isStreamTokenShaped(`${"a".repeat(41)}-_`)).toBe(true);
    expect(isStreamTokenShaped("A".repeat(42))).toBe(false);
    expect(isStreamTokenShaped(`${"A".repeat(42)}=`)).toBe(false);
    expect(isStreamTokenShaped(`${"A".repeat(42)}/`)).toBe(false);
  });

  it("expires ttl after issue", () => {
    expect(streamTokenExpiry({ issued_at: "2030-01-01T00:00:00.000Z" }, 3_600_000)).toBe(
      Date.parse("2030-01-01T01:00:00.000Z"),
    );
  });

  it("builds the stream URL under the gateway prefix", () => {
    expect(streamUrl("abc")).toBe("/api/v1/stream/abc");
  });

  it("derives a strong ETag that changes with the media and its size", () => {
    const media_id = "0b6f4c52-8a39-4b8e-9a52-2f3f0e0e1a11";
    const etag = mediaEtag({ media_id, size_bytes: 255 });
    expect(etag).toBe(`"${media_id}-ff"`);
    expect(etag).not.toBe(mediaEtag({ media_id, size_bytes: 256 }));
  });
});
