import { createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureAdminPassword, ensureJwtKey } from "./secrets.ts";

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "streamstack-secrets-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("ensureAdminPassword", () => {
  it("generates once, keeps it private, and returns the same one later", () => {
    const dir = freshDir();
    const first = ensureAdminPassword(dir);
    expect(first.source).toBe("generated");
    expect(first.password.length).toBeGreaterThanOrEqual(16);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const again = ensureAdminPassword(dir);
    expect(again).toMatchObject({ source: "kept", password: first.password });
  });

  it("prefers ADMIN_PASSWORD and writes nothing then", () => {
    const dir = freshDir();
    expect(ensureAdminPassword(dir, "from-env-123")).toMatchObject({
      source: "env",
      password: "from-env-123",
    });
    expect(() => statSync(join(dir, "admin-password"))).toThrow();
  });
});

describe("ensureJwtKey", () => {
  it("writes an RSA-2048 PKCS#8 key once, mode 600", () => {
    const dir = freshDir();
    const file = ensureJwtKey(dir);
    const pem = readFileSync(file, "utf8");
    expect(pem).toContain("BEGIN PRIVATE KEY");
    const key = createPrivateKey(pem);
    expect(key.asymmetricKeyType).toBe("rsa");
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureJwtKey(dir)).toBe(file);
    expect(readFileSync(file, "utf8")).toBe(pem);
  });
});
