/**
 * Search-as-you-type: the words of `q`, each matched as a prefix and all required.
 * Only letters, marks and digits survive, so the query text never carries tsquery
 * syntax (`& | ! ( ) : * '`) or anything else with meaning; it is then passed to
 * `to_tsquery` as a bound parameter, never spliced into SQL.
 */
const MAX_WORDS = 8;
const MAX_WORD_LENGTH = 64;

export function searchWords(q: string): string[] {
  return q
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, MAX_WORDS)
    .map((w) => w.slice(0, MAX_WORD_LENGTH));
}

/** `orbit moo` → `orbit:* & moo:*`; null when `q` has no searchable word. */
export function prefixTsQuery(q: string): string | null {
  const words = searchWords(q);
  return words.length === 0 ? null : words.map((w) => `${w}:*`).join(" & ");
}
