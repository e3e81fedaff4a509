import {
  type EdgeEnv,
  MediaListQuery,
  MediaUpdate,
  parseJson,
  parseParam,
  parseQuery,
  requireAuth,
  type TokenVerifier,
  Uuid,
} from "@streamstack/contracts/server";
import { type Context, Hono } from "hono";
import type { Catalogue } from "../catalogue.ts";
import { issueStreamToken } from "../nats/stream-tokens.ts";
import { API_BASE } from "./paths.ts";

export interface MediaRoutesDeps {
  catalogue: Catalogue;
  verifier: TokenVerifier;
  issue: Omit<Parameters<typeof issueStreamToken>[0], "catalogue">;
}

/** `/api/v1/catalogue/…`: browse and search (viewers), edit and delete (admins). */
export function mediaRoutes({ catalogue, verifier, issue }: MediaRoutesDeps): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();
  const viewer = requireAuth(verifier, "viewer");
  const admin = requireAuth(verifier, "admin");
  // A malformed id names nothing that could exist: 404, like an unknown one.
  const mediaId = (c: Context<EdgeEnv>) => parseParam(c, "id", Uuid).toLowerCase();

  // With and without the trailing slash: nginx forwards the path as the client wrote it.
  app.on("GET", [API_BASE, `${API_BASE}/`], viewer, async (c) =>
    c.json(await catalogue.list(c.var.auth.claims.role, parseQuery(c, MediaListQuery))),
  );

  app.get(`${API_BASE}/:id`, viewer, async (c) =>
    c.json(await catalogue.get(c.var.auth.claims.role, mediaId(c))),
  );

  app.patch(`${API_BASE}/:id`, admin, async (c) => {
    const id = mediaId(c);
    return c.json(await catalogue.update(id, await parseJson(c, MediaUpdate)));
  });

  app.delete(`${API_BASE}/:id`, admin, async (c) => {
    await catalogue.remove(mediaId(c));
    return c.body(null, 204);
  });

  app.post(`${API_BASE}/:id/stream-token`, viewer, async (c) => {
    const caller = {
      role: c.var.auth.claims.role,
      accessToken: c.var.auth.token,
      requestId: c.var.requestId,
    };
    return c.json(await issueStreamToken({ ...issue, catalogue }, caller, mediaId(c)));
  });

  return app;
}
