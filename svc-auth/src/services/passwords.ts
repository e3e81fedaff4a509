import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/**
 * Password hashing with argon2id (the library's default algorithm; OWASP's
 * parameters: 19 MiB, 2 passes, 1 lane). Hashes are PHC strings, so parameters can
 * be raised later without breaking stored hashes.
 */
export interface Passwords {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Spends the time of one verification and answers false: for unknown emails, so
   * that a login cannot tell "no such account" from "wrong password" by its timing.
   */
  verifyNobody(password: string): Promise<false>;
}

export async function createPasswords(): Promise<Passwords> {
  const dummyHash = await hash(randomBytes(32).toString("base64url"));
  const check = (passwordHash: string, password: string) =>
    verify(passwordHash, password).catch(() => false); // a malformed stored hash never matches
  return {
    hash: (password) => hash(password),
    verify: check,
    async verifyNobody(password) {
      await check(dummyHash, password);
      return false;
    },
  };
}
