import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import ffmpeg from "@ffmpeg-installer/ffmpeg";

/**
 * A 60 s 320x180 H.264/AAC MP4 at a constant 2 Mbit/s (~15 MB, ~3 s to make). The size
 * matters: Chromium buffers ~10 s ahead, so a seek to the middle needs a new Range request.
 */
export async function makeTestVideo(dir: string, name = "orbit-e2e.mp4"): Promise<string> {
  const out = join(dir, name);
  await promisify(execFile)(process.env.FFMPEG_PATH ?? ffmpeg.path, [
    ...["-hide_banner", "-loglevel", "error", "-y"],
    ...["-f", "lavfi", "-i", "testsrc=size=320x180:rate=25:duration=60"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:duration=60"],
    ...["-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast"],
    ...["-b:v", "2M", "-minrate", "2M", "-maxrate", "2M", "-bufsize", "1M"],
    ...["-x264-params", "nal-hrd=cbr", "-c:a", "aac", "-shortest", "-movflags", "+faststart"],
    out,
  ]);
  return out;
}
