import { describe, expect, it } from "vitest";
import { boundReason, classifyToolFailure, gaveUpReason, type ToolOutcome } from "./failure.ts";

const run = (o: Partial<ToolOutcome>): ToolOutcome => ({
  tool: "ffprobe",
  exitCode: 1,
  signal: null,
  timedOut: false,
  timeoutMs: 120_000,
  stderr: "",
  ...o,
});

describe("classifyToolFailure", () => {
  it("treats unreadable input as permanent, with a reason an admin understands", () => {
    const stderr = "https://s3/media/x.mp4?X-Amz-...: Invalid data found when processing input\n";
    expect(classifyToolFailure(run({ stderr }))).toEqual({
      kind: "permanent",
      reason: "not a video: the file's data is not a recognised media format",
    });
    expect(classifyToolFailure(run({ stderr: "[mov,mp4] moov atom not found\n" })).kind).toBe(
      "permanent",
    );
    const png = "[png_pipe @ 0x1] Format not on whitelist 'mov,matroska'\nx.mp4: Invalid argument";
    expect(classifyToolFailure(run({ stderr: png }))).toEqual({
      kind: "permanent",
      reason: "not a video: the file is not in a supported video container",
    });
    expect(
      classifyToolFailure(
        run({ stderr: "HTTP error 404 Not Found\nServer returned 404 Not Found" }),
      ),
    ).toEqual({
      kind: "permanent",
      reason: "the uploaded file no longer exists in storage",
    });
    expect(
      classifyToolFailure(
        run({ tool: "ffmpeg", stderr: "Decoder (codec av1) not found for input stream #0:0" }),
      ),
    ).toEqual({ kind: "permanent", reason: "unsupported video codec: av1" });
  });

  it("retries what may pass next time: timeouts, signals, storage errors, the unknown", () => {
    expect(classifyToolFailure(run({ timedOut: true, signal: "SIGKILL", exitCode: null }))).toEqual(
      {
        kind: "transient",
        reason: "ffprobe did not finish within 120 s",
      },
    );
    expect(classifyToolFailure(run({ tool: "ffmpeg", signal: "SIGKILL", exitCode: null }))).toEqual(
      {
        kind: "transient",
        reason: "ffmpeg was killed by SIGKILL",
      },
    );
    expect(
      classifyToolFailure(run({ stderr: "Server returned 5XX Server Error reply\n" })),
    ).toEqual({
      kind: "transient",
      reason: "ffprobe failed (exit 1): Server returned 5XX Server Error reply",
    });
    expect(classifyToolFailure(run({ stderr: "Connection refused" })).kind).toBe("transient");
  });
});

describe("gaveUpReason", () => {
  it("says how many attempts and the last error when known", () => {
    expect(gaveUpReason(4, "ffmpeg was killed by SIGKILL")).toBe(
      "processing gave up after 4 attempts: ffmpeg was killed by SIGKILL",
    );
    expect(gaveUpReason(1)).toMatch(/^processing gave up after 1 attempt: the worker stopped/);
  });
});

describe("boundReason", () => {
  it("flattens whitespace and caps the length at the contract's 1000 characters", () => {
    expect(boundReason("a\n  b")).toBe("a b");
    expect(boundReason("   ")).toBe("unknown error");
    const long = boundReason("x".repeat(5000));
    expect(long).toHaveLength(1000);
    expect(long.endsWith("…")).toBe(true);
  });
});
