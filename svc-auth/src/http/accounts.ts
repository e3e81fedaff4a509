import { RegisterRequest } from "@streamstack/contracts";
import {
  type EdgeEnv,
  parseJson,
  requireAuth,
  type TokenVerifier,
} from "@streamstack/contracts/server";
import { Hono } from "hono";
import type { Accounts } from "../services/accounts.ts";

/**
 * The register body of the contract, minus control characters in the display name:
 * Postgres text cannot hold NUL, and a name never needs the others.
 */
const RegisterBody = RegisterRequest.superRefine((body, ctx) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  if (body.display_name && /[\u0000-\u001f\u007f]/.test(body.display_name)) {
    ctx.addIssue({
      code: "custom",
      path: ["display_name"],
      message: "must not contain control characters",
    });
  }
});

/** POST /register (201 User), GET /me. */
export function accountRoutes(deps: { accounts: Accounts; verifier: TokenVerifier }) {
  const app = new Hono<EdgeEnv>();

  app.post("/register", async (c) => {
    const body = await parseJson(c, RegisterBody);
    return c.json(await deps.accounts.register(body), 201);
  });

  app.get("/me", requireAuth(deps.verifier), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await deps.accounts.me(c.var.auth.claims.sub));
  });

  return app;
}
