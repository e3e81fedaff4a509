import { expect, it } from "vitest";
import { matchesIfNoneMatch } from "./etag.ts";

it.each<[string | undefined, string | undefined, boolean]>([
  ['"abc"', '"abc"', true],
  ['W/"abc"', '"abc"', true],
  ['"abc"', 'W/"abc"', true],
  ['"x", "abc"', '"abc"', true],
  ["*", '"abc"', true],
  ['"x"', '"abc"', false],
  ['"abc"', undefined, false],
  [undefined, '"abc"', false],
  ["", '"abc"', false],
])("If-None-Match %s against %s → %s", (header, etag, expected) => {
  expect(matchesIfNoneMatch(header, etag)).toBe(expected);
});
