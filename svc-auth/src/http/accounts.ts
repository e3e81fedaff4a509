import { RegisterRequest } from "@streamstack/contracts";
import {
  type EdgeEnv,
  parseJson,
  requireAuth,
  type TokenVerifier,
} from "@streamstack/contracts/server";
import { Hono } from "hono";
import type { Accounts } from "../services/accounts.ts";

/** POST /register (201 User), GET /me. */
export function accountRoutes(deps: { accounts: Accounts; verifier: TokenVerifier }) {
  const app = new Hono<EdgeEnv>();

  app.post("/register", async (c) => {
    const body = await parseJson(c, RegisterRequest);
    return c.json(await deps.accounts.register(body), 201);
  });

  app.get("/me", requireAuth(deps.verifier), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await deps.accounts.me(c.var.auth.claims.sub));
  });

  return app;
}
