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
