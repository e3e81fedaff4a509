import { Uuid } from "@streamstack/contracts";
import { describe, expect, it } from "vitest";
import { transitionEventId, uuidV5 } from "./event-id.ts";

describe("event ids", () => {
  it("computes RFC 9562 v5 UUIDs (the RFC's DNS example)", () => {
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });

  it("gives one stable, valid id per item and transition", () => {
    const media = "0b8a4c1e-6a55-4a8c-9d7f-1e2f3a4b5c6d";
    const a = transitionEventId(media, "published");
    expect(transitionEventId(media.toUpperCase(), "published")).toBe(a);
    expect(transitionEventId(media, "failed")).not.toBe(a);
    expect(Uuid.safeParse(a).success).toBe(true);
  });
});
