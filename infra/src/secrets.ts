import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface AdminPassword {
  password: string;
  /** env: from ADMIN_PASSWORD; generated: made now; kept: made by an earlier start. */
  source: "env" | "generated" | "kept";
  file: string;
}

/**
 * The bootstrap admin's password: ADMIN_PASSWORD if set, else one generated on the first
 * start and kept (mode 600) so later starts print the same login.
 */
export function ensureAdminPassword(dataDir: string, fromEnv?: string): AdminPassword {
  const file = join(dataDir, "admin-password");
  if (fromEnv) return { password: fromEnv, source: "env", file };
  if (existsSync(file))
    return { password: readFileSync(file, "utf8").trim(), source: "kept", file };
  const password = randomBytes(18).toString("base64url");
  writeSecret(file, `${password}\n`);
  return { password, source: "generated", file };
}

/** An RS256 signing key (RSA 2048, PKCS#8 PEM) made on the first start; returns its path. */
export function ensureJwtKey(dataDir: string): string {
  const file = join(dataDir, "keys", "jwt-private.pem");
  if (existsSync(file)) return file;
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  writeSecret(file, privateKey);
  return file;
}

function writeSecret(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // "wx": never overwrite a secret another start may have written meanwhile.
  writeFileSync(file, text, { mode: 0o600, flag: "wx" });
}
