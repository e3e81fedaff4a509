import { LoginRequest, LogoutRequest, RefreshRequest } from "@streamstack/contracts";
import {
  type EdgeEnv,
  parseJson,
  requireAuth,
  type TokenVerifier,
} from "@streamstack/contracts/server";
import { type Context, Hono } from "hono";
import type { ProxyTrust } from "../domain/client-ip.ts";
import type { Sessions } from "../services/sessions.ts";
import { clientAddress } from "./client-address.ts";

/** POST /login, /refresh, /logout. Token answers are never cached (RFC 6749 §5.1). */
export function sessionRoutes(deps: {
  sessions: Sessions;
  verifier: TokenVerifier;
  trustedProxies: ProxyTrust;
}) {
  const app = new Hono<EdgeEnv>();
  const noStore = (c: Context) => c.header("Cache-Control", "no-store");

  app.post("/login", async (c) => {
    const body = await parseJson(c, LoginRequest);
    const ip = clientAddress(c, deps.trustedProxies);
    noStore(c);
    return c.json(await deps.sessions.login(body.email, body.password, ip));
  });

  app.post("/refresh", async (c) => {
    const body = await parseJson(c, RefreshRequest);
    noStore(c);
    return c.json(await deps.sessions.refresh(body.refresh_token));
  });

  app.post("/logout", requireAuth(deps.verifier), async (c) => {
    const body = hasBody(c) ? await parseJson(c, LogoutRequest) : {};
    await deps.sessions.logout(c.var.auth.claims, body.refresh_token);
    return c.body(null, 204);
  });

  return app;
}

/** Logout's body is optional: a bodiless POST means "just this access token". */
function hasBody(c: Context): boolean {
  const length = c.req.header("content-length");
  return (
    c.req.header("transfer-encoding") !== undefined || (length !== undefined && length !== "0")
  );
}
