import type { MediaListQuery, MediaStatus, Role } from "@streamstack/contracts";

/**
 * Who sees what. Viewers see `published` items only; their `status` parameter is
 * ignored (not refused), so one UI can send the same query for any role. Admins see
 * every status and may filter; without a filter they get all of them, which is what
 * the admin views need (live processing status next to finished items).
 */
export function listableStatuses(
  role: Role,
  requested: MediaListQuery["status"],
): MediaStatus[] | "all" {
  if (role !== "admin") return ["published"];
  return requested === undefined || requested === "all" ? "all" : [requested];
}

/** Whether one item exists as far as the caller is concerned (else: 404, not 403). */
export function canSee(role: Role, status: MediaStatus): boolean {
  return role === "admin" || status === "published";
}
