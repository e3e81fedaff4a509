import { z } from "zod";
import { IsoDateTime, SingleLineText, Uuid } from "./common.ts";

export const Role = z.enum(["viewer", "admin"]);
export type Role = z.infer<typeof Role>;

const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());

export const RegisterRequest = z.strictObject({
  email: Email,
  password: z.string().min(8).max(256),
  display_name: SingleLineText.trim().min(1).max(100).optional(),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const LoginRequest = z.strictObject({
  email: Email,
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const RefreshRequest = z.strictObject({ refresh_token: z.string().min(1).max(4096) });
export const LogoutRequest = z.strictObject({
  refresh_token: z.string().min(1).max(4096).optional(),
});

export const TokenPair = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int(),
  refresh_expires_in: z.number().int(),
});
export type TokenPair = z.infer<typeof TokenPair>;

export const User = z.object({
  id: Uuid,
  email: z.string(),
  display_name: z.string().nullable(),
  role: Role,
  created_at: IsoDateTime,
});
export type User = z.infer<typeof User>;

/** Claims of an access token (RS256, `kid` in the header). */
export const AccessClaims = z.object({
  sub: Uuid,
  role: Role,
  jti: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
  iss: z.string(),
});
export type AccessClaims = z.infer<typeof AccessClaims>;

export const Jwk = z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string().optional() });
export const Jwks = z.object({ keys: z.array(Jwk) });
export type Jwks = z.infer<typeof Jwks>;

/** Value stored in KV `revoked-tokens` under the key `jti.<jti>` or `refresh.<id>`. */
export const Revocation = z.object({
  revoked_at: IsoDateTime,
  /** When the revoked token would have expired anyway; after this it can be forgotten. */
  expires_at: IsoDateTime,
  reason: z.enum(["logout", "refresh_reuse", "admin"]),
});
export type Revocation = z.infer<typeof Revocation>;
