import { describe, expect, it } from "vitest";
import { MediaRejected } from "./failure.ts";
import { parseFrameRate, parseProbeOutput } from "./probe.ts";

// Trimmed from real ffprobe 2023 output for a 10 s 1280x720 H.264/AAC MP4.
const h264Aac = {
  streams: [
    {
      codec_type: "video",
      codec_name: "h264",
      width: 1280,
      height: 720,
      avg_frame_rate: "25/1",
      r_frame_rate: "25/1",
      sample_aspect_ratio: "1:1",
      duration: "10.000000",
      disposition: { attached_pic: 0 },
    },
    { codec_type: "audio", codec_name: "aac", avg_frame_rate: "0/0", r_frame_rate: "0/0" },
  ],
  format: { format_name: "mov,mp4,m4a,3gp,3g2,mj2", duration: "10.000000", bit_rate: "352587" },
};

describe("parseProbeOutput", () => {
  it("reads duration, codecs, size, fps and bitrate", () => {
    expect(parseProbeOutput(h264Aac)).toEqual({
      result: {
        duration_s: 10,
        video_codec: "h264",
        audio_codec: "aac",
        width: 1280,
        height: 720,
        fps: 25,
        bitrate: 352587,
      },
      display: { width: 1280, height: 720 },
    });
  });

  it("keeps NTSC rates to three decimals and falls back to r_frame_rate when avg is 0/0", () => {
    const ntsc = structuredClone(h264Aac);
    ntsc.streams[0]!.avg_frame_rate = "0/0";
    ntsc.streams[0]!.r_frame_rate = "30000/1001";
    expect(parseProbeOutput(ntsc).result.fps).toBe(29.97);
  });

  it("gives null for what ffprobe does not know instead of NaN", () => {
    const unknown = {
      streams: [
        { codec_type: "video", codec_name: "vp9", width: 640, height: 360, avg_frame_rate: "0/0" },
      ],
      format: { format_name: "matroska,webm", duration: "N/A" },
    };
    expect(parseProbeOutput(unknown).result).toEqual({
      duration_s: null,
      video_codec: "vp9",
      audio_codec: null,
      width: 640,
      height: 360,
      fps: null,
      bitrate: null,
    });
  });

  it("falls back to the stream duration when the container has none", () => {
    const noFormatDuration = structuredClone(h264Aac);
    delete (noFormatDuration.format as { duration?: string }).duration;
    noFormatDuration.streams[0]!.duration = "7.5";
    expect(parseProbeOutput(noFormatDuration).result.duration_s).toBe(7.5);
  });

  it("reports the display size of rotated and anamorphic video", () => {
    const phone = structuredClone(h264Aac) as typeof h264Aac & {
      streams: Array<{ side_data_list?: Array<{ rotation: number }> }>;
    };
    phone.streams[0]!.side_data_list = [{ rotation: -90 }];
    expect(parseProbeOutput(phone).display).toEqual({ width: 720, height: 1280 });

    const dvd = structuredClone(h264Aac);
    Object.assign(dvd.streams[0]!, { width: 720, height: 576, sample_aspect_ratio: "64:45" });
    expect(parseProbeOutput(dvd).display).toEqual({ width: 1024, height: 576 });
    expect(parseProbeOutput(dvd).result.width).toBe(720);
  });

  it("reads the legacy rotate tag", () => {
    const old = structuredClone(h264Aac) as typeof h264Aac & {
      streams: Array<{ tags?: Record<string, string> }>;
    };
    old.streams[0]!.tags = { rotate: "270" };
    expect(parseProbeOutput(old).display).toEqual({ width: 720, height: 1280 });
  });

  it("rejects audio-only files, naming the audio codec", () => {
    const mp3 = {
      streams: [
        { codec_type: "audio", codec_name: "mp3" },
        // Cover art is a video stream in ffprobe's eyes, but not a video.
        {
          codec_type: "video",
          codec_name: "mjpeg",
          width: 500,
          height: 500,
          disposition: { attached_pic: 1 },
        },
      ],
      format: { format_name: "mp3", duration: "180.0" },
    };
    expect(() => parseProbeOutput(mp3)).toThrow(
      new MediaRejected("no video stream: the file holds only audio (mp3)"),
    );
  });

  it("rejects files without any stream and still images", () => {
    expect(() => parseProbeOutput({ streams: [], format: {} })).toThrow(MediaRejected);
    const png = {
      streams: [{ codec_type: "video", codec_name: "png", width: 320, height: 240 }],
      format: { format_name: "png_pipe" },
    };
    expect(() => parseProbeOutput(png)).toThrow(/still image \(png\)/);
  });

  it("rejects output that is not ffprobe's shape", () => {
    expect(() => parseProbeOutput("garbage")).toThrow(MediaRejected);
    expect(() => parseProbeOutput({ streams: "nope" })).toThrow(MediaRejected);
  });

  it("rejects a video stream without a picture size", () => {
    const broken = { streams: [{ codec_type: "video", codec_name: "h264", width: 0, height: 0 }] };
    expect(() => parseProbeOutput(broken)).toThrow(/no picture size/);
  });
});

describe("parseFrameRate", () => {
  it.each([
    ["25/1", 25],
    ["24000/1001", 24000 / 1001],
    ["30", 30],
    ["0/0", null],
    ["25/0", null],
    ["0/1", null],
    ["90000/1", null],
    ["abc", null],
    [undefined, null],
  ])("%s → %s", (rate, expected) => {
    expect(parseFrameRate(rate)).toBe(expected);
  });
});
