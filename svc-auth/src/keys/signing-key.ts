import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Jwks } from "@streamstack/contracts";
import { calculateJwkThumbprint, exportJWK } from "jose";

/** The key auth signs access tokens with, and its public half as published. */
export interface SigningKey {
  /** RFC 7638 SHA-256 thumbprint of the public key: the same key always has the same kid. */
  kid: string;
  privateKey: KeyObject;
  publicJwk: Jwks["keys"][number];
}

/**
 * Loads the RSA private key from `JWT_PRIVATE_KEY` (PEM; `\n` escapes allowed, as env
 * files often carry them) or else from the file `JWT_PRIVATE_KEY_FILE`. Throws a
 * message naming the variable when the key is missing, unreadable or unsuitable.
 */
export async function loadSigningKey(source: {
  JWT_PRIVATE_KEY?: string | undefined;
  JWT_PRIVATE_KEY_FILE?: string | undefined;
}): Promise<SigningKey> {
  let pem: string;
  let origin: string;
  if (source.JWT_PRIVATE_KEY) {
    pem = source.JWT_PRIVATE_KEY.replaceAll("\\n", "\n");
    origin = "JWT_PRIVATE_KEY";
  } else if (source.JWT_PRIVATE_KEY_FILE) {
    origin = `JWT_PRIVATE_KEY_FILE (${source.JWT_PRIVATE_KEY_FILE})`;
    pem = await readFile(source.JWT_PRIVATE_KEY_FILE, "utf8").catch((err: Error) => {
      throw new Error(`cannot read ${origin}: ${err.message}`, { cause: err });
    });
  } else {
    throw new Error("no signing key: set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE");
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch (cause) {
    throw new Error(`${origin} is not a PEM private key`, { cause });
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== "rsa" || bits < 2048) {
    throw new Error(`${origin} must be an RSA key of at least 2048 bits (RS256)`);
  }
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  return {
    kid,
    privateKey,
    publicJwk: { kty: "RSA", n: jwk.n, e: jwk.e, kid, alg: "RS256", use: "sig" },
  };
}
