import { describe, expect, it } from "vitest";
import { BUCKETS, CONSUMERS, STREAMS } from "./topology.ts";

describe("topology", () => {
  const streams = Object.values(STREAMS);

  it("gives every consumer a stream whose subjects cover its filter", () => {
    for (const c of Object.values(CONSUMERS)) {
      const stream = streams.find((s) => s.name === c.stream);
      expect(stream, c.durable).toBeDefined();
      const covered = stream!.subjects.some((s) => c.filterSubject.startsWith(s.replace(/>$/, "")));
      expect(covered, `${c.durable} filter ${c.filterSubject}`).toBe(true);
    }
  });

  it("never lets two streams claim the same subjects", () => {
    const subjects = streams.flatMap((s) => s.subjects);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it("keeps revocations at least as long as a refresh token lives (7 days)", () => {
    expect(BUCKETS.revokedTokens.ttlMs).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000);
    expect(BUCKETS.streamTokens.ttlMs).toBe(3600 * 1000);
  });

  it("bounds redeliveries of processing jobs so nothing stays processing forever", () => {
    expect(CONSUMERS.processingJobs.maxDeliver).toBeGreaterThan(1);
    expect(CONSUMERS.processingJobs.maxDeliver).toBeLessThan(10);
  });
});
