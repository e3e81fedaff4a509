import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ffmpeg from "@ffmpeg-installer/ffmpeg";

const run = promisify(execFile);

/** A real H.264/AAC MP4 (+faststart), made now with ffmpeg's test sources. */
export async function makeMp4(opts: { seconds?: number; size?: string } = {}): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "ingest-media-"));
  const out = join(dir, "clip.mp4");
  // biome-ignore format: flag pairs read best one pair per line
  await run(process.env.FFMPEG_PATH ?? ffmpeg.path, [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc=size=${opts.size ?? "320x240"}:rate=25`,
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
    "-t", String(opts.seconds ?? 2),
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-movflags", "+faststart", "-shortest", out,
  ]);
  return readFile(out);
}

/**
 * A real MP4 padded with random bytes to `bytes`: still an MP4 to every sniffer, and
 * big enough to span several S3 parts. (Ingest does not parse the file.)
 */
export async function makePaddedMp4(bytes: number): Promise<Buffer> {
  const mp4 = await makeMp4();
  return Buffer.concat([mp4, randomBytes(Math.max(0, bytes - mp4.length))]);
}
