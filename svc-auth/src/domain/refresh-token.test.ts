import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashRefreshToken, judgeRefreshToken, newRefreshToken } from "./refresh-token.ts";

describe("newRefreshToken", () => {
  it("is 256 bits of base64url and never repeats", () => {
    const tokens = new Set(Array.from({ length: 1000 }, newRefreshToken));
    expect(tokens.size).toBe(1000);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(t, "base64url")).toHaveLength(32);
    }
  });
});

describe("hashRefreshToken", () => {
  it("is the hex SHA-256 of the token, and differs from the token", () => {
    const token = newRefreshToken();
    const hashed = hashRefreshToken(token);
    expect(hashed).toBe(createHash("sha256").update(token).digest("hex"));
    expect(hashed).toMatch(/^[0-9a-f]{64}$/);
    expect(hashed).not.toContain(token);
  });

  it("is stable and distinguishes tokens", () => {
    expect(hashRefreshToken("abc")).toBe(hashRefreshToken("abc"));
    expect(hashRefreshToken("abc")).not.toBe(hashRefreshToken("abd"));
  });
});

describe("judgeRefreshToken", () => {
  const now = new Date("2025-01-01T12:00:00Z");
  const later = new Date("2025-01-02T12:00:00Z");
  const earlier = new Date("2024-12-31T12:00:00Z");

  it("accepts a live token", () => {
    expect(judgeRefreshToken({ expiresAt: later, rotatedAt: null, revokedAt: null }, now)).toBe(
      "valid",
    );
  });

  it("calls a rotated token a reuse, even after it expired", () => {
    expect(judgeRefreshToken({ expiresAt: later, rotatedAt: earlier, revokedAt: null }, now)).toBe(
      "reused",
    );
    expect(
      judgeRefreshToken({ expiresAt: earlier, rotatedAt: earlier, revokedAt: null }, now),
    ).toBe("reused");
  });

  it("keeps a revoked family revoked", () => {
    expect(
      judgeRefreshToken({ expiresAt: later, rotatedAt: earlier, revokedAt: earlier }, now),
    ).toBe("revoked");
  });

  it("rejects an expired token, at the boundary too", () => {
    expect(judgeRefreshToken({ expiresAt: now, rotatedAt: null, revokedAt: null }, now)).toBe(
      "expired",
    );
  });
});
