// Test media, generated at test time with the shipped ffmpeg, and JPEG inspection with ffprobe.
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";

const run = promisify(execFile);
export const FFMPEG = ffmpegInstaller.path;
export const FFPROBE = ffprobeInstaller.path;

export type SampleKind =
  | "mp4-faststart"
  | "mp4-moov-at-end"
  | "mp4-rotated"
  | "webm"
  | "text"
  | "png"
  | "hls-playlist";

/**
 * - mp4-faststart: 10 s 1280x720 25 fps H.264/AAC, moov first, fading in from black over 1 s
 *   (a thumbnail of the first frame would be black)
 * - mp4-moov-at-end: 3 s 1280x720 H.264/AAC as the mp4 muxer writes it by default
 * - mp4-rotated: the faststart clip with rotation metadata, as a phone records portrait
 * - webm: 3 s 640x480 VP9/Opus
 * - text: a text file, to be uploaded as `.mp4`
 * - png: a still image, to be uploaded as `.mp4`
 * - hls-playlist: an HLS playlist naming a local file, posing as `.mp4` (an ffmpeg classic
 *   for reading the worker's files into a thumbnail)
 */
export async function makeSample(dir: string, kind: SampleKind): Promise<string> {
  const lavfi = (size: string, seconds: number) => [
    "-f",
    "lavfi",
    "-i",
    `testsrc=size=${size}:rate=25:duration=${seconds}`,
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=440:duration=${seconds}`,
  ];
  const h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"];
  const ff = (args: string[]) => run(FFMPEG, ["-hide_banner", "-loglevel", "error", "-y", ...args]);
  switch (kind) {
    case "mp4-faststart": {
      const out = join(dir, "faststart.mp4");
      await ff([
        ...lavfi("1280x720", 10),
        "-vf",
        "fade=in:0:25",
        ...h264,
        "-movflags",
        "+faststart",
        out,
      ]);
      return out;
    }
    case "mp4-moov-at-end": {
      const out = join(dir, "moov-at-end.mp4");
      await ff([...lavfi("1280x720", 3), ...h264, out]);
      return out;
    }
    case "mp4-rotated": {
      const source = await makeSample(dir, "mp4-moov-at-end");
      const out = join(dir, "rotated.mp4");
      await ff([
        "-i",
        source,
        "-c",
        "copy",
        "-metadata:s:v",
        "rotate=90",
        "-movflags",
        "+faststart",
        out,
      ]);
      return out;
    }
    case "webm": {
      const out = join(dir, "vp9.webm");
      // biome-ignore format: flag pairs
      await ff([...lavfi("640x480", 3),
        "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-pix_fmt", "yuv420p",
        "-c:a", "libopus", out]);
      return out;
    }
    case "png": {
      const out = join(dir, "still.mp4");
      await ff([
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=640x360",
        "-frames:v",
        "1",
        "-f",
        "image2",
        "-c:v",
        "png",
        out,
      ]);
      return out;
    }
    case "hls-playlist": {
      const out = join(dir, "playlist.mp4");
      const playlist = [
        "#EXTM3U",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXTINF:10.0,",
        "file:///etc/passwd",
        "#EXT-X-ENDLIST",
      ];
      await writeFile(out, `${playlist.join("\n")}\n`);
      return out;
    }
    case "text": {
      const out = join(dir, "notes.mp4");
      await writeFile(out, "These are my holiday notes, not a video.\n".repeat(200));
      return out;
    }
  }
}

/** Byte offsets of the top-level `moov` and `mdat` boxes of an MP4. */
export async function mp4BoxOffsets(file: string): Promise<{ moov: number; mdat: number }> {
  const bytes = await readFile(file);
  const boxes: Record<string, number> = {};
  for (let at = 0; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    boxes[type] ??= at;
    if (size < 8) break;
    at += size;
  }
  return { moov: boxes.moov ?? -1, mdat: boxes.mdat ?? -1 };
}

export interface JpegFacts {
  codec: string;
  width: number;
  height: number;
  /** Mean luma 0..255 (black video is about 16). */
  meanLuma: number;
}

/** What ffprobe says about an image held in memory, and how bright it is on average. */
export async function inspectImage(image: Buffer, dir: string): Promise<JpegFacts> {
  const file = join(dir, `inspect-${Date.now()}-${Math.random().toString(16).slice(2)}.jpg`);
  await writeFile(file, image);
  const { stdout } = await run(FFPROBE, [
    "-v",
    "error",
    "-print_format",
    "json",
    "-show_streams",
    file,
  ]);
  const stream = (
    JSON.parse(stdout) as { streams: Array<{ codec_name: string; width: number; height: number }> }
  ).streams[0]!;
  const luma = await run(
    FFMPEG,
    [
      "-v",
      "error",
      "-i",
      file,
      "-vf",
      "scale=1:1:flags=area,format=gray",
      "-f",
      "rawvideo",
      "pipe:1",
    ],
    { encoding: "buffer" },
  );
  return {
    codec: stream.codec_name,
    width: stream.width,
    height: stream.height,
    meanLuma: (luma.stdout as Buffer)[0] ?? 0,
  };
}
