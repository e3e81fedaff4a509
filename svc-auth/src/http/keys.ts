import type { EdgeEnv, KV } from "@streamstack/contracts/server";
import { Hono } from "hono";
import { readPublishedJwks } from "../nats/key-publication.ts";

/**
 * GET /jwks.json: the published set from KV `auth-keys` (not only this replica's
 * key), so that whichever replica answers, every key still in use is listed.
 */
export function keyRoutes(deps: { keys: KV }) {
  const app = new Hono<EdgeEnv>();
  app.get("/jwks.json", async (c) => {
    const { jwks } = await readPublishedJwks(deps.keys);
    c.header("Cache-Control", "public, max-age=300");
    return c.json(jwks);
  });
  return app;
}
