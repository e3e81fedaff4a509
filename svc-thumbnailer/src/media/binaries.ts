import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";
import { runTool } from "./tool.ts";

export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
}

/** The npm-shipped binaries unless FFMPEG_PATH / FFPROBE_PATH name a system build. */
export function resolveBinaries(overrides: {
  ffmpeg?: string | undefined;
  ffprobe?: string | undefined;
}): MediaBinaries {
  return {
    ffmpeg: overrides.ffmpeg ?? ffmpegInstaller.path,
    ffprobe: overrides.ffprobe ?? ffprobeInstaller.path,
  };
}

/** Fails start-up, not the first job, when a binary is missing or not executable. */
export async function checkBinaries(bin: MediaBinaries): Promise<void> {
  for (const [tool, path] of [
    ["ffmpeg", bin.ffmpeg],
    ["ffprobe", bin.ffprobe],
  ] as const) {
    try {
      await runTool({ tool, path, args: ["-version"], timeoutMs: 10_000 });
    } catch (err) {
      throw new Error(`${tool} at ${path} does not run: ${(err as Error).message}`, { cause: err });
    }
  }
}
