import { type MediaProbe, parseProbeOutput } from "../domain/probe.ts";
import { runTool } from "./tool.ts";

export interface ToolOptions {
  path: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Input options for every tool run on an upload. The whitelists keep a crafted file
 * (an HLS playlist or concat script posing as a video) from making ffmpeg open local
 * files or other URLs: only video container demuxers, only the S3 URL's protocols. A
 * stalled HTTP read fails the run instead of waiting for the kill timer.
 */
// biome-ignore format: option pairs
export const INPUT_OPTIONS = [
  "-format_whitelist", "mov,matroska,webm,avi,flv,mpegts,mpeg,ogg,asf,mxf,dv",
  "-protocol_whitelist", "http,https,tcp,tls",
  "-rw_timeout", String(30_000_000),
];

/**
 * Probes a video through a (presigned) URL. ffprobe reads only what it needs with HTTP
 * range requests: the head of a faststart MP4, head and tail for moov-at-end.
 */
export async function probeMedia(url: string, opts: ToolOptions): Promise<MediaProbe> {
  // biome-ignore format: flag pairs read best one pair per line
  const args = [
    "-v", "error",
    ...INPUT_OPTIONS,
    "-print_format", "json",
    "-show_format", "-show_streams",
    url,
  ];
  const stdout = await runTool({ tool: "ffprobe", ...opts, args, maxStdoutBytes: 4 * 1024 * 1024 });
  let json: unknown;
  try {
    json = JSON.parse(stdout.toString("utf8"));
  } catch {
    json = undefined; // parseProbeOutput rejects it with a clear reason
  }
  return parseProbeOutput(json);
}
