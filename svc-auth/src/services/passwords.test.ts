import { describe, expect, it } from "vitest";
import { createPasswords } from "./passwords.ts";

describe("passwords", () => {
  it("hashes with argon2id and salts every hash", async () => {
    const pw = await createPasswords();
    const a = await pw.hash("correct horse");
    const b = await pw.hash("correct horse");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await pw.verify(a, "correct horse")).toBe(true);
    expect(await pw.verify(a, "correct horsf")).toBe(false);
  });

  it("treats a malformed stored hash as a mismatch, not a crash", async () => {
    const pw = await createPasswords();
    expect(await pw.verify("not-a-phc-string", "x")).toBe(false);
  });

  it("answers false for the dummy account whatever the password", async () => {
    const pw = await createPasswords();
    expect(await pw.verifyNobody("anything")).toBe(false);
  });
});
