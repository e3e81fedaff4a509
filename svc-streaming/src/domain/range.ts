/**
 * Byte-range resolution for one representation of `size` bytes (RFC 9110 §14).
 * Pure: the edge turns the answer into a status and headers.
 *
 * Why not `range-parser` alone: it answers "unsatisfiable" for a suffix longer than
 * the representation (RFC: serve the whole representation as 206) and for `5-2`
 * (RFC: a syntactically invalid spec means the header is ignored). The unit tests use
 * it as an oracle where it is right.
 */
export type RangeResolution =
  | { kind: "full" }
  | {
      kind: "partial" /** first byte, inclusive */;
      start: number /** last byte, inclusive */;
      end: number;
    }
  | { kind: "unsatisfiable" };

export const FULL: RangeResolution = Object.freeze({ kind: "full" });
const UNSATISFIABLE: RangeResolution = Object.freeze({ kind: "unsatisfiable" });

// One byte-range-spec: `a-b`, `a-` or `-n`. Anything else (another unit, a list of
// ranges, junk) is answered with the whole representation, which RFC 9110 always allows.
const SINGLE_BYTE_RANGE = /^bytes=[ \t]*(\d*)-(\d*)[ \t]*$/i;

export function resolveRange(header: string | undefined, size: number): RangeResolution {
  if (header === undefined) return FULL;
  const match = SINGLE_BYTE_RANGE.exec(header);
  if (!match) return FULL;
  const first = match[1] ?? "";
  const last = match[2] ?? "";
  if (first === "") {
    if (last === "") return FULL; // `bytes=-` names no range
    const suffix = Number(last);
    // A zero-length suffix selects nothing; an empty representation has no suffix to give.
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  // last < first makes the spec invalid, and an invalid header is ignored (§14.1.1).
  // BigInt keeps the comparison exact for absurdly long numbers.
  if (last !== "" && BigInt(last) < BigInt(first)) return FULL;
  const start = Number(first);
  if (start >= size) return UNSATISFIABLE;
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: "partial", start, end };
}

/**
 * `If-Range` (RFC 9110 §13.1.5): the range is honoured only when the validator is our
 * current strong ETag. A date or any other tag means "send me the whole thing".
 */
export function rangeApplies(ifRange: string | undefined, etag: string): boolean {
  return ifRange === undefined || ifRange.trim() === etag;
}

/** `Content-Range` of a 206. */
export const contentRange = (start: number, end: number, size: number) =>
  `bytes ${start}-${end}/${size}`;

/** `Content-Range` of a 416: the size the client can ask again with. */
export const unsatisfiedRange = (size: number) => `bytes */${size}`;
