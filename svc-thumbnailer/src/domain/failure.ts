/**
 * How a job can go wrong, in words an admin reads on a failed item. Permanent
 * failures (the input can never succeed) end the job at once; anything else is
 * retried a bounded number of times.
 */

/** The input can never become a thumbnail: not a video, unreadable, no video stream. */
export class MediaRejected extends Error {
  override readonly name = "MediaRejected";
}

/** What a finished or killed ffprobe/ffmpeg run left behind. */
export interface ToolOutcome {
  tool: "ffprobe" | "ffmpeg";
  exitCode: number | null;
  signal: string | null;
  /** True when we killed it for running too long. */
  timedOut: boolean;
  timeoutMs: number;
  stderr: string;
}

export type FailureKind = "permanent" | "transient";

const PERMANENT: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [
    /Invalid data found when processing input/,
    () => "not a video: the file's data is not a recognised media format",
  ],
  [/Format not on whitelist/, () => "not a video: the file is not in a supported video container"],
  [
    /moov atom not found/,
    () => "not a playable video: the MP4 index (moov atom) is missing; the upload may be truncated",
  ],
  [/EBML header parsing failed/, () => "not a playable video: the WebM/Matroska header is damaged"],
  [/Server returned 404/, () => "the uploaded file no longer exists in storage"],
  [/Decoder \(codec (\w+)\) not found/, (m) => `unsupported video codec: ${m[1]}`],
];

/** Sorts a failed tool run into permanent (bad input) or transient (try again), with a reason. */
export function classifyToolFailure(o: ToolOutcome): { kind: FailureKind; reason: string } {
  if (o.timedOut) {
    return {
      kind: "transient",
      reason: `${o.tool} did not finish within ${Math.round(o.timeoutMs / 1000)} s`,
    };
  }
  // A signal we did not send: out-of-memory killer, operator, container shutdown.
  if (o.signal) return { kind: "transient", reason: `${o.tool} was killed by ${o.signal}` };
  for (const [pattern, reason] of PERMANENT) {
    const match = o.stderr.match(pattern);
    if (match) return { kind: "permanent", reason: reason(match) };
  }
  const detail = lastLine(o.stderr);
  return {
    kind: "transient",
    reason: `${o.tool} failed (exit ${o.exitCode ?? "?"})${detail ? `: ${detail}` : ""}`,
  };
}

/** The reason recorded when a job used up its deliveries without an answer. */
export function gaveUpReason(attempts: number, lastError?: string): string {
  const head = `processing gave up after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
  return boundReason(
    lastError
      ? `${head}: ${lastError}`
      : `${head}: the worker stopped without reporting an error (it crashed, was killed or hung)`,
  );
}

/** Reasons travel in ProcessingResult, which caps them at 1000 characters. */
export function boundReason(reason: string, max = 1000): string {
  const flat = reason.replace(/\s+/g, " ").trim() || "unknown error";
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function lastLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? "").slice(0, 300);
}

/** Delay before a retried job comes back: grows with each delivery (2 s, 4 s, 6 s …). */
export function retryDelayMs(delivery: number, baseMs = 2000): number {
  return baseMs * Math.max(1, delivery);
}
