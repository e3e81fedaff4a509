import type { ProbeResult } from "@streamstack/contracts";
import { z } from "zod";
import { MediaRejected } from "./failure.ts";
import { displaySize, type Size } from "./thumbnail.ts";

/** The parts of `ffprobe -print_format json -show_format -show_streams` we read. */
const FfprobeStream = z.object({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  sample_aspect_ratio: z.string().optional(),
  duration: z.string().optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(z.object({ rotation: z.number().optional() })).optional(),
});
const FfprobeOutput = z.object({
  streams: z.array(FfprobeStream).default([]),
  format: z
    .object({
      format_name: z.string().optional(),
      duration: z.string().optional(),
      bit_rate: z.string().optional(),
    })
    .optional(),
});
type FfprobeStream = z.infer<typeof FfprobeStream>;

/** What the job learns from probing: the wire result, plus the size a player shows. */
export interface MediaProbe {
  result: ProbeResult;
  display: Size;
}

/** Demuxers that read a single still image: a PNG renamed `.mp4` is not a video. */
const STILL_IMAGE_FORMAT = /(^|,)(image2|[a-z0-9]+_pipe)(,|$)/;

/**
 * Turns ffprobe's JSON into a ProbeResult, or rejects the input for good (no video
 * stream, a still image) with a reason an admin can act on.
 */
export function parseProbeOutput(raw: unknown): MediaProbe {
  const parsed = FfprobeOutput.safeParse(raw);
  if (!parsed.success) throw new MediaRejected("not a video: the file could not be analysed");
  const { streams, format } = parsed.data;
  const video = streams.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
  const audio = streams.find((s) => s.codec_type === "audio");

  if (!video) {
    throw new MediaRejected(
      audio
        ? `no video stream: the file holds only audio (${audio.codec_name ?? "unknown codec"})`
        : "no video stream: the file holds no video",
    );
  }
  if (format?.format_name && STILL_IMAGE_FORMAT.test(format.format_name)) {
    throw new MediaRejected(
      `not a video: the file is a still image (${video.codec_name ?? format.format_name})`,
    );
  }
  const width = positiveInt(video.width);
  const height = positiveInt(video.height);
  if (width === null || height === null) {
    throw new MediaRejected("not a playable video: the video stream has no picture size");
  }

  const fps = parseFrameRate(video.avg_frame_rate) ?? parseFrameRate(video.r_frame_rate);
  return {
    result: {
      duration_s: seconds(format?.duration) ?? seconds(video.duration),
      video_codec: video.codec_name ?? null,
      audio_codec: audio?.codec_name ?? null,
      width,
      height,
      fps: fps === null ? null : round3(fps),
      bitrate: nonNegativeInt(format?.bit_rate),
    },
    display: displaySize(
      { width, height },
      { sampleAspect: parseRatio(video.sample_aspect_ratio, ":"), rotation: rotationOf(video) },
    ),
  };
}

/**
 * ffprobe writes frame rates as fractions: "30000/1001", "25/1", and "0/0" when it
 * does not know. Unknown, zero or absurd (a timebase posing as a rate) → null.
 */
export function parseFrameRate(rate: string | undefined): number | null {
  const value = parseRatio(rate, "/");
  return value !== null && value > 0 && value <= 1000 ? value : null;
}

function parseRatio(text: string | undefined, separator: string): number | null {
  if (!text) return null;
  const [num, den = "1"] = text.split(separator);
  const n = Number(num);
  const d = Number(den);
  if (!Number.isFinite(n) || !Number.isFinite(d) || d === 0 || n < 0) return null;
  return n / d;
}

/** Rotation from the display matrix (ffprobe ≥ 5) or the legacy `rotate` tag. */
function rotationOf(stream: FfprobeStream): number | null {
  const fromMatrix = stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  if (fromMatrix !== undefined) return fromMatrix;
  const tag = Number(stream.tags?.rotate);
  return Number.isFinite(tag) ? tag : null;
}

function seconds(text: string | undefined): number | null {
  const n = Number(text);
  return text !== undefined && Number.isFinite(n) && n >= 0 ? round3(n) : null;
}

function positiveInt(n: number | undefined): number | null {
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : null;
}

function nonNegativeInt(text: string | undefined): number | null {
  const n = Number(text);
  return text !== undefined && Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
