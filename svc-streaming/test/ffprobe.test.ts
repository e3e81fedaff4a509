import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type StreamingWorld, startStreamingWorld } from "./support.ts";

const run = promisify(execFile);
let world: StreamingWorld;
let dir: string;

beforeAll(async () => {
  world = await startStreamingWorld();
  dir = await mkdtemp(join(tmpdir(), "streaming-ffprobe-"));
});
afterAll(async () => {
  await world?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A 3 s 640x360 H.264/AAC MP4, made now; `faststart` puts the index first. */
async function makeMp4(name: string, faststart: boolean): Promise<Buffer> {
  const out = join(dir, name);
  // biome-ignore format: ffmpeg flags read best in pairs
  await run(ffmpegInstaller.path, [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=3",
    "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
    ...(faststart ? ["-movflags", "+faststart"] : []),
    out,
  ]);
  return readFile(out);
}

it.each([
  ["moov first", true],
  ["moov at the end (several range reads)", false],
])("lets ffprobe read an MP4 with %s through a stream URL", async (_name, faststart) => {
  const mp4 = await makeMp4(`clip-${faststart}.mp4`, faststart);
  const { media } = await world.putMedia(mp4, "video/mp4");
  const url = `${world.base}${(await world.issue(media)).stream_url}`;

  // biome-ignore format: ffprobe flags read best in pairs
  const { stdout } = await run(ffprobeInstaller.path, [
    "-v", "error", "-print_format", "json", "-show_format", "-show_streams", url,
  ]);
  const probe = JSON.parse(stdout) as {
    format: { duration: string; size: string };
    streams: { codec_type: string; codec_name: string; width?: number }[];
  };
  expect(Number(probe.format.size)).toBe(mp4.length);
  expect(Number(probe.format.duration)).toBeCloseTo(3, 0);
  const video = probe.streams.find((s) => s.codec_type === "video");
  expect(video).toMatchObject({ codec_name: "h264", width: 640 });
  expect(probe.streams.some((s) => s.codec_type === "audio")).toBe(true);
});

it("lets curl range-read a stream URL", async () => {
  const mp4 = await makeMp4("clip-curl.mp4", true);
  const { media } = await world.putMedia(mp4, "video/mp4");
  const url = `${world.base}${(await world.issue(media)).stream_url}`;
  const { stdout } = await run("curl", ["-sf", "-r", "100-4195", url], {
    encoding: "buffer",
    maxBuffer: 1 << 20,
  });
  expect(stdout.equals(mp4.subarray(100, 4196))).toBe(true);
});
