import { randomUUID } from "node:crypto";
import type { Role } from "@streamstack/contracts";
import { SignJWT } from "jose";
import type { SigningKey } from "./signing-key.ts";

export interface AccessToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

/** Signs an access token with the claims of API.md (sub, role, jti, iat, exp, iss; kid). */
export async function signAccessToken(
  key: SigningKey,
  claims: { sub: string; role: Role },
  opts: { issuer: string; ttlS: number; now?: Date },
): Promise<AccessToken> {
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const exp = iat + opts.ttlS;
  const jti = randomUUID();
  const token = await new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setSubject(claims.sub)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setIssuer(opts.issuer)
    .sign(key.privateKey);
  return { token, jti, expiresAt: new Date(exp * 1000) };
}
