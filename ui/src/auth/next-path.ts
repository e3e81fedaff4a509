/**
 * Where to go after signing in: the `next` query value when it is a path on this site,
 * else the catalogue. Rejects `//host` and `/\host`, which browsers treat as other origins.
 */
export function safeNextPath(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return "/";
  }
  if (value.startsWith("/login") || value.startsWith("/register")) return "/";
  return value;
}
