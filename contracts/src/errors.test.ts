import { describe, expect, it } from "vitest";
import { AppError, codeForStatus, ERROR_STATUS } from "./errors.ts";

describe("AppError", () => {
  it("maps every code to its status and back", () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(new AppError(code as keyof typeof ERROR_STATUS, "m").status).toBe(status);
      expect(codeForStatus(status)).toBe(code);
    }
    expect(codeForStatus(418)).toBe("internal");
  });

  it("renders the API error body, with details only when given", () => {
    expect(new AppError("not_found", "no such media").toBody()).toEqual({
      error: { code: "not_found", message: "no such media" },
    });
    expect(new AppError("invalid_request", "bad", [{ path: "a" }]).toBody().error.details).toEqual([
      { path: "a" },
    ]);
  });
});

describe("typed text", async () => {
  const { MediaTitle, MediaDescription, RegisterRequest } = await import("./index.ts");
  it("refuses control characters Postgres or a page cannot hold", () => {
    expect(MediaTitle.safeParse("Orbit\u0000").success).toBe(false);
    expect(MediaTitle.safeParse("Orbit\n2").success).toBe(false);
    expect(MediaDescription.safeParse("line one\nline two\ttab").success).toBe(true);
    expect(MediaDescription.safeParse("bell\u0007").success).toBe(false);
    const reg = { email: "a@b.co", password: "12345678", display_name: "x\u0000" };
    expect(RegisterRequest.safeParse(reg).success).toBe(false);
  });
});
