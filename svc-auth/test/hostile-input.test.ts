import { ErrorBodySchema } from "@streamstack/contracts";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthWorld, bearer, startAuthWorld, tokensOf } from "./support.ts";

// "Bad input to every auth endpoint gets the documented 4xx, never a 500" (issue 2).
let world: AuthWorld;
let access: string;
beforeAll(async () => {
  world = await startAuthWorld();
  await world.client.register("fuzz@example.com", "long-enough");
  access = (await tokensOf(await world.client.login("fuzz@example.com", "long-enough")))
    .access_token;
});
afterAll(() => world?.close());

const ALLOWED: Record<string, number[]> = {
  "/register": [201, 400, 409, 415],
  "/login": [200, 400, 401, 415, 429],
  "/refresh": [200, 400, 401, 415],
  "/logout": [204, 400, 415],
};

/** Bodies that look almost right: the real keys with hostile values, plus arbitrary JSON. */
const hostileBody = fc.oneof(
  fc.jsonValue(),
  fc.record({
    email: fc.emailAddress(),
    password: fc.string({ minLength: 8, unit: "binary" }),
    display_name: fc.string({ minLength: 1, maxLength: 100, unit: "binary" }),
  }),
  fc.record(
    {
      email: fc.oneof(fc.string(), fc.emailAddress(), fc.jsonValue()),
      password: fc.oneof(fc.string(), fc.jsonValue()),
      display_name: fc.oneof(fc.string(), fc.jsonValue()),
      refresh_token: fc.oneof(fc.string(), fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
);
const rawBody = fc.oneof(
  hostileBody.map((v) => JSON.stringify(v)),
  fc.string(), // mostly not JSON
  fc.string({ unit: "binary" }), // lone surrogates and other oddities
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "text/plain",
  "application/x-www-form-urlencoded",
  undefined,
);

describe("POST /register with control characters", () => {
  it("refuses a NUL or other control character in display_name with 400, not a database error", async () => {
    for (const display_name of ["a\u0000b", "line\nbreak", "\u007f"]) {
      const res = await world.client.register(
        `ctl${display_name.length}@example.com`,
        "long-enough",
        display_name,
      );
      expect(res.status).toBe(400);
      const { error } = ErrorBodySchema.parse(await res.json());
      expect(error.details).toEqual([expect.objectContaining({ path: "display_name" })]);
    }
  });
});

describe.each(Object.keys(ALLOWED))("POST %s with hostile input", (path) => {
  it("answers a documented 4xx with a JSON error body, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, contentType, async (body, type) => {
        const headers: Record<string, string> = path === "/logout" ? bearer(access) : {};
        if (type) headers["content-type"] = type;
        const res = await fetch(`${world.client.base}/api/v1/auth${path}`, {
          method: "POST",
          headers,
          body: new TextEncoder().encode(body),
        });
        expect(ALLOWED[path]).toContain(res.status);
        if (res.status >= 400) ErrorBodySchema.parse(await res.json());
        else await res.body?.cancel();
        if (path === "/logout" && res.status === 204) {
          // that logout revoked our token: get a fresh one for the next run
          access = (await tokensOf(await world.client.login("fuzz@example.com", "long-enough")))
            .access_token;
        }
      }),
      { numRuns: 60 },
    );
  });
});
