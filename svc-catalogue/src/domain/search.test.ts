import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prefixTsQuery, searchWords } from "./search.ts";

describe("prefix tsquery", () => {
  it.each([
    ["orbi", "orbi:*"],
    ["  Orbit   MOON ", "orbit:* & moon:*"],
    ["big-buck_bunny", "big:* & buck:* & bunny:*"],
    ["'; drop table media_items--", "drop:* & table:* & media:* & items:*"],
    ["a&b|c!(d):*e", "a:* & b:* & c:* & d:* & e:*"],
    ["100% _x_ \\y", "100:* & x:* & y:*"],
    ["Ünïcödé 東京", "ünïcödé:* & 東京:*"],
  ])("%j → %j", (q, expected) => {
    expect(prefixTsQuery(q)).toBe(expected);
  });

  it.each(["", "   ", "&|!():*", "'\"\\%_;--"])("%j has no words → null", (q) => {
    expect(prefixTsQuery(q)).toBeNull();
  });

  it("never lets tsquery syntax or quotes through, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (q) => {
        const query = prefixTsQuery(q);
        if (query === null) return;
        for (const term of query.split(" & ")) {
          expect(term).toMatch(/^[\p{L}\p{M}\p{N}]+:\*$/u);
        }
      }),
    );
  });

  it("bounds the number and length of words", () => {
    const words = searchWords(`${"x".repeat(500)} ${"w ".repeat(50)}`);
    expect(words.length).toBe(8);
    expect(words[0]?.length).toBe(64);
  });
});
