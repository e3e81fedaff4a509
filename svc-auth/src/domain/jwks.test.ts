import { describe, expect, it } from "vitest";
import { MAX_PUBLISHED_KEYS, mergeJwks } from "./jwks.ts";

const key = (kid: string) => ({ kty: "RSA", kid, alg: "RS256", n: `n-${kid}`, e: "AQAB" });

describe("mergeJwks", () => {
  it("publishes the current key alone when nothing was published", () => {
    expect(mergeJwks(undefined, key("a"))).toEqual({ keys: [key("a")] });
  });

  it("puts the current key first and keeps earlier keys for tokens in flight", () => {
    expect(mergeJwks({ keys: [key("a")] }, key("b")).keys.map((k) => k.kid)).toEqual(["b", "a"]);
  });

  it("does not duplicate a key that is already published (a restart or a second replica)", () => {
    const merged = mergeJwks({ keys: [key("b"), key("a")] }, key("a"));
    expect(merged.keys.map((k) => k.kid)).toEqual(["a", "b"]);
  });

  it(`keeps at most ${MAX_PUBLISHED_KEYS} keys, dropping the oldest`, () => {
    const merged = mergeJwks({ keys: [key("c"), key("b"), key("a")] }, key("d"));
    expect(merged.keys.map((k) => k.kid)).toEqual(["d", "c", "b"]);
  });

  it("replaces a stale copy of the current key with the fresh one", () => {
    const stale = { ...key("a"), n: "old" };
    expect(mergeJwks({ keys: [stale] }, key("a")).keys).toEqual([key("a")]);
  });
});
