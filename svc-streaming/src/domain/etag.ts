const opaque = (tag: string) => (tag.startsWith("W/") ? tag.slice(2) : tag);

/**
 * Whether `If-None-Match` names the current representation, so a cache may reuse its
 * copy (304). RFC 9110 §13.1.2: a list of tags or `*`, compared weakly.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string | undefined): boolean {
  if (!header || !etag) return false;
  if (header.trim() === "*") return true;
  const current = opaque(etag);
  return header.split(",").some((tag) => opaque(tag.trim()) === current);
}
