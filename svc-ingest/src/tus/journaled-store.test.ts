import { describe, expect, it } from "vitest";
import { parseJournal, unbrokenRun } from "./journaled-store.ts";

const part = (n: number) => ({ PartNumber: n, ETag: `"e${n}"`, Size: 5 });

describe("unbrokenRun", () => {
  it("keeps parts 1..n in order", () => {
    expect(unbrokenRun([part(2), part(1), part(3)]).map((p) => p.PartNumber)).toEqual([1, 2, 3]);
  });

  it("stops at the first gap: a later part without its predecessor is sent again", () => {
    expect(unbrokenRun([part(1), part(3), part(4)]).map((p) => p.PartNumber)).toEqual([1]);
    expect(unbrokenRun([part(2)])).toEqual([]);
    expect(unbrokenRun([])).toEqual([]);
  });
});

describe("parseJournal", () => {
  it("reads a whole journal", () => {
    expect(parseJournal(JSON.stringify({ parts: [part(1), part(2)] }))).toEqual([part(1), part(2)]);
    expect(parseJournal('{"parts":[]}')).toEqual([]);
  });

  it("refuses a journal cut short or garbled, instead of reading it as finished", () => {
    const whole = JSON.stringify({ parts: [part(1), part(2)] });
    for (const torn of ["", whole.slice(0, 20), whole.slice(0, -2), "{}", "null", '{"parts":{}}']) {
      expect(parseJournal(torn), torn).toBeUndefined();
    }
    expect(parseJournal('{"parts":[{"PartNumber":1}]}')).toBeUndefined();
  });
});
