import { createMiddleware } from "hono/factory";
import type { TokenVerifier } from "../auth/verifier.ts";
import { AppError } from "../errors.ts";
import type { Role } from "../schemas/auth.ts";
import type { EdgeEnv } from "./edge.ts";

/** Reads `Authorization: Bearer <token>`; 401 when absent. */
export function bearerToken(header: string | undefined): string {
  const match = /^Bearer ([\w.~+/=-]+)$/i.exec(header ?? "");
  if (!match?.[1]) throw new AppError("unauthorized", "sign in: a Bearer access token is required");
  return match[1];
}

/** Requires a valid, unrevoked access token (and `role`, when given) for the route. */
export function requireAuth(verifier: TokenVerifier, role: Role = "viewer") {
  return createMiddleware<EdgeEnv>(async (c, next) => {
    const token = bearerToken(c.req.header("authorization"));
    const claims = await verifier.verifyRole(token, role);
    c.set("auth", { claims, token });
    c.set("log", c.var.log.child({ user_id: claims.sub }));
    await next();
  });
}
