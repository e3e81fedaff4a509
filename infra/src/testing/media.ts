// Test media made at test time with ffmpeg's test sources (no binary fixtures in the repo).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ffmpeg from "@ffmpeg-installer/ffmpeg";

const run = promisify(execFile);

/** A real H.264/AAC MP4 (+faststart), made now with ffmpeg's test sources. */
export async function makeMp4(opts: { seconds?: number; size?: string } = {}): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "streamstack-media-"));
  const out = join(dir, "clip.mp4");
  try {
    // biome-ignore format: flag pairs read best one pair per line
    await run(process.env.FFMPEG_PATH ?? ffmpeg.path, [
      "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", `testsrc=size=${opts.size ?? "320x240"}:rate=25`,
      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
      "-t", String(opts.seconds ?? 2),
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
      "-c:a", "aac", "-movflags", "+faststart", "-shortest", out,
    ]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `mp4` followed by random bytes up to `bytes`: still an MP4 to every sniffer and prober
 * (+faststart: the moov comes first), as big as a test needs, and unlike any other file.
 */
export async function makePaddedMp4(bytes: number, mp4?: Buffer): Promise<Buffer> {
  const head = mp4 ?? (await makeMp4());
  return Buffer.concat([head, randomBytes(Math.max(0, bytes - head.length))]);
}
