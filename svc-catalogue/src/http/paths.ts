/**
 * Where the catalogue's API lives. Routes are registered with full paths (not under a
 * Hono base path) because a base path swallows the lone trailing slash of
 * `/api/v1/catalogue/`, which the list must answer too.
 */
export const API_BASE = "/api/v1/catalogue";
