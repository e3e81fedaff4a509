import fc from "fast-check";
import parseRange from "range-parser";
import { describe, expect, it } from "vitest";
import { contentRange, FULL, type RangeResolution, rangeApplies, resolveRange } from "./range.ts";

const part = (start: number, end: number): RangeResolution => ({ kind: "partial", start, end });
const UNSAT: RangeResolution = { kind: "unsatisfiable" };

describe("resolveRange", () => {
  it.each<[string | undefined, RangeResolution]>([
    [undefined, FULL],
    ["bytes=0-0", part(0, 0)], // first byte
    ["bytes=99-99", part(99, 99)], // last byte
    ["bytes=10-19", part(10, 19)], // middle
    ["bytes=90-", part(90, 99)], // open-ended
    ["bytes=-10", part(90, 99)], // suffix
    ["bytes=-500", part(0, 99)], // suffix larger than the object → whole, as 206
    ["bytes=50-5000", part(50, 99)], // end clamped
    ["bytes=100-", UNSAT], // start beyond the last byte
    ["bytes=100-200", UNSAT],
    ["bytes=-0", UNSAT],
    ["bytes=5-2", FULL], // invalid spec → header ignored
    ["bytes=0-1,5-6", FULL], // multi-range → whole
    ["bytes=0-1,", FULL],
    ["bytes=-", FULL],
    ["bytes=abc", FULL],
    ["items=0-1", FULL], // unknown unit
    ["bytes 0-1", FULL],
    ["", FULL],
    ["BYTES=1-2", part(1, 2)], // units are case-insensitive
    ["bytes= 1-2 ", part(1, 2)],
    ["bytes=0-99999999999999999999999", part(0, 99)],
    ["bytes=99999999999999999999999-", UNSAT],
    ["bytes=9007199254740993-9007199254740992", FULL], // compared exactly, not as floats
  ])("%s on 100 bytes → %o", (header, expected) => {
    expect(resolveRange(header, 100)).toEqual(expected);
  });

  it("treats every range of an empty object as unsatisfiable", () => {
    expect(resolveRange("bytes=0-", 0)).toEqual(UNSAT);
    expect(resolveRange("bytes=-1", 0)).toEqual(UNSAT);
    expect(resolveRange(undefined, 0)).toEqual(FULL);
  });
});

describe("rangeApplies (If-Range)", () => {
  const etag = '"m-64"';
  it("honours the range without If-Range or with our strong ETag", () => {
    expect(rangeApplies(undefined, etag)).toBe(true);
    expect(rangeApplies('"m-64"', etag)).toBe(true);
  });
  it("asks for the whole object on another tag, a weak tag or a date", () => {
    expect(rangeApplies('"other"', etag)).toBe(false);
    expect(rangeApplies('W/"m-64"', etag)).toBe(false);
    expect(rangeApplies("Wed, 21 Oct 2015 07:28:00 GMT", etag)).toBe(false);
  });
});

it("formats Content-Range", () => {
  expect(contentRange(0, 9, 100)).toBe("bytes 0-9/100");
});

/**
 * The reference model: RFC 9110 read literally. A spec selects a set of byte
 * positions; the answer is the smallest interval covering it, "unsatisfiable" when the
 * set is empty, and the whole representation when the header is not one valid spec.
 * Small sizes let it enumerate positions instead of doing arithmetic.
 */
function model(header: string | undefined, size: number): RangeResolution {
  if (header === undefined) return FULL;
  const eq = header.indexOf("=");
  if (eq < 0 || header.slice(0, eq).toLowerCase() !== "bytes") return FULL;
  const spec = header
    .slice(eq + 1)
    .replace(/^[ \t]+/, "")
    .replace(/[ \t]+$/, "");
  const sides = spec.split("-");
  if (sides.length !== 2 || sides.some((s) => !/^[0-9]*$/.test(s))) return FULL;
  const [first = "", last = ""] = sides;
  if (first === "" && last === "") return FULL;
  if (first !== "" && last !== "" && BigInt(last) < BigInt(first)) return FULL;
  const selected: number[] = [];
  for (let i = 0; i < size; i++) {
    const pos = BigInt(i);
    const inside =
      first === ""
        ? pos >= BigInt(size) - BigInt(last)
        : pos >= BigInt(first) && (last === "" || pos <= BigInt(last));
    if (inside) selected.push(i);
  }
  if (selected.length === 0) return UNSAT;
  return part(selected[0] as number, selected[selected.length - 1] as number);
}

const num = fc.oneof(
  fc.nat({ max: 80 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String),
  fc.nat({ max: 80 }).map((n) => `000${n}`),
);
const spec = fc.oneof(
  fc.tuple(num, num).map(([a, b]) => `${a}-${b}`),
  num.map((a) => `${a}-`),
  num.map((n) => `-${n}`),
  fc.constantFrom("-", "", "1", "--1", "1-2-3", "a-b", " 1-2", "1-2\t"),
);
const header = fc.oneof(
  spec.map((s) => `bytes=${s}`),
  fc
    .tuple(fc.constantFrom("bytes", "Bytes", "BYTES", "items", "bytes ", ""), spec)
    .map(([unit, s]) => `${unit}=${s}`),
  fc.array(spec, { minLength: 2, maxLength: 4 }).map((specs) => `bytes=${specs.join(",")}`),
  fc.string({ maxLength: 20 }),
  fc.string({ maxLength: 12 }).map((s) => `bytes=${s}`),
);

describe("resolveRange properties", () => {
  it("agrees with the reference model", () => {
    fc.assert(
      fc.property(fc.option(header, { nil: undefined }), fc.nat({ max: 64 }), (h, size) => {
        expect(resolveRange(h, size)).toEqual(model(h, size));
      }),
      { numRuns: 5000 },
    );
  });

  it("only ever names bytes that exist, and never throws, at any size", () => {
    fc.assert(
      fc.property(header, fc.nat({ max: 2 ** 45 }), (h, size) => {
        const r = resolveRange(h, size);
        if (r.kind === "partial") {
          expect(r.start).toBeGreaterThanOrEqual(0);
          expect(r.start).toBeLessThanOrEqual(r.end);
          expect(r.end).toBeLessThan(size);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("matches range-parser wherever range-parser follows RFC 9110", () => {
    // range-parser is right for in-order single ranges and suffixes no longer than the object.
    const rightForRangeParser = fc.oneof(
      fc
        .tuple(fc.nat({ max: 200 }), fc.nat({ max: 200 }))
        .map(([a, b]) => (a <= b ? `bytes=${a}-${b}` : `bytes=${b}-${a}`)),
      fc.nat({ max: 200 }).map((a) => `bytes=${a}-`),
    );
    fc.assert(
      fc.property(rightForRangeParser, fc.integer({ min: 1, max: 150 }), (h, size) => {
        const theirs = parseRange(size, h);
        const ours = resolveRange(h, size);
        if (theirs === -1) expect(ours).toEqual(UNSAT);
        else if (theirs === -2) expect(ours).toEqual(FULL);
        else expect(ours).toEqual(part(theirs[0]?.start ?? -1, theirs[0]?.end ?? -1));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 150 }), fc.integer({ min: 1, max: 150 }), (size, n) => {
        fc.pre(n <= size);
        const theirs = parseRange(size, `bytes=-${n}`);
        expect(theirs).not.toBe(-1);
        expect(resolveRange(`bytes=-${n}`, size)).toEqual(part(size - n, size - 1));
      }),
    );
  });
});
