import type { Size } from "../domain/thumbnail.ts";
import { INPUT_OPTIONS, type ToolOptions } from "./ffprobe.ts";
import { runTool } from "./tool.ts";

export interface ThumbnailPlan {
  /** Input seek (fast, keyframe-based, then decoded up to the exact point). */
  seekS: number;
  /** Frames the `thumbnail` filter compares to skip black or blurred ones. */
  windowFrames: number;
  /** Input read after the seek point (`-t`); null = until the window is full. */
  windowS: number | null;
  /** Output size, computed from the display size (ffmpeg auto-rotates before scaling). */
  size: Size;
  /** Decode only frames others refer to (see skipsNonReferenceFrames). */
  skipNonReference: boolean;
  /** Decoder threads (see decoderThreads). */
  threads: number;
}

/**
 * Renders one JPEG from a (presigned) URL and returns its bytes, read from stdout: the
 * video is never downloaded whole nor written to disk. An empty result means no frame
 * was decoded after the seek point (the caller may try again from the start).
 */
export async function renderThumbnail(
  url: string,
  plan: ThumbnailPlan,
  opts: ToolOptions,
): Promise<Buffer> {
  // Scale first: the thumbnail filter then buffers and compares small frames (about
  // twice as fast for 720p, more for 4K) and picks the same kind of frame.
  const filters = [
    `scale=${plan.size.width}:${plan.size.height}`,
    `thumbnail=${plan.windowFrames}`,
    "setsar=1",
  ].join(",");
  // biome-ignore format: flag pairs read best one pair per line
  const args = [
    "-hide_banner", "-nostdin", "-v", "error",
    ...INPUT_OPTIONS,
    "-threads", String(plan.threads),
    ...(plan.skipNonReference ? ["-skip_frame", "noref"] : []),
    "-ss", String(plan.seekS),
    ...(plan.windowS === null ? [] : ["-t", String(plan.windowS)]),
    "-i", url,
    "-an", "-sn", "-dn",
    "-vf", filters,
    "-frames:v", "1",
    "-c:v", "mjpeg", "-q:v", "3",
    "-f", "image2pipe", "pipe:1",
  ];
  return runTool({ tool: "ffmpeg", ...opts, args, maxStdoutBytes: 8 * 1024 * 1024 });
}
