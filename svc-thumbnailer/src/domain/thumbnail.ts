/**
 * Where to take the thumbnail from and how big to make it. Pure arithmetic so the
 * rules are tested without ffmpeg.
 */

export const THUMBNAIL_MAX_WIDTH = 640;
/** Never seek further than this: the thumbnail should show the start of the video. */
export const MAX_SEEK_S = 5;

export interface Size {
  width: number;
  height: number;
}

/**
 * The size a player shows: coded size stretched by the sample aspect ratio (anamorphic
 * video) and turned by the rotation metadata (phone video). ffmpeg applies both when
 * decoding, so the thumbnail must be sized from this, not from the coded size.
 */
export function displaySize(
  coded: Size,
  opts: { sampleAspect?: number | null; rotation?: number | null } = {},
): Size {
  const sar = opts.sampleAspect && opts.sampleAspect > 0 ? opts.sampleAspect : 1;
  const width = Math.max(1, Math.round(coded.width * sar));
  const quarterTurns = Math.round((opts.rotation ?? 0) / 90);
  const sideways = Math.abs(quarterTurns) % 2 === 1;
  return sideways ? { width: coded.height, height: width } : { width, height: coded.height };
}

/**
 * Fits the display size in a `box` x `box` square: at most 640 px wide (the catalogue's
 * card width) and, so a portrait video does not become a 1138 px tall strip, at most
 * as tall. Never upscaled; aspect kept; both sides even (what the JPEG encoder's chroma
 * subsampling wants) and at least 2.
 */
export function thumbnailSize(display: Size, box = THUMBNAIL_MAX_WIDTH): Size {
  const landscape = display.width >= display.height;
  const [long, short] = landscape
    ? [display.width, display.height]
    : [display.height, display.width];
  const longSide = Math.max(2, evenDown(Math.min(long, box)));
  // Rounding to even must not make the short side larger than the source's.
  const shortSide = Math.min(
    Math.max(2, evenNearest((longSide * short) / long)),
    Math.max(2, evenDown(short)),
  );
  return landscape
    ? { width: longSide, height: shortSide }
    : { width: shortSide, height: longSide };
}

/**
 * The first frames are often black (fade-in, encoder warm-up): look 10 % into the
 * video, but no later than 5 s. Unknown duration → the start.
 */
export function thumbnailSeekSeconds(durationS: number | null): number {
  if (durationS === null || !Number.isFinite(durationS) || durationS <= 0) return 0;
  return round3(Math.min(durationS * 0.1, MAX_SEEK_S));
}

/**
 * How many consecutive frames ffmpeg's `thumbnail` filter compares to pick the most
 * representative one: about one second of video, bounded so 4K stays cheap.
 */
export function thumbnailWindowFrames(fps: number | null): number {
  if (fps === null || !Number.isFinite(fps) || fps <= 0) return 25;
  return Math.min(60, Math.max(10, Math.round(fps)));
}

/**
 * The span of video those frames cover, read after the seek point and no more (ffmpeg
 * `-t`): the window stays about one second even when non-reference frames are skipped,
 * and nothing past it is decoded. Unknown frame rate → no limit (the frame count rules).
 */
export function thumbnailWindowSeconds(fps: number | null): number | null {
  if (fps === null || !Number.isFinite(fps) || fps <= 0) return null;
  return round3(thumbnailWindowFrames(fps) / fps);
}

/**
 * Codecs whose decoder can skip frames no other frame refers to (`-skip_frame noref`):
 * in H.264/HEVC these are most B-frames, a third to a half of all decoding work, and the
 * frames left are still whole pictures for the `thumbnail` filter to choose from.
 */
const SKIPS_NON_REFERENCE = new Set(["h264", "hevc"]);

export function skipsNonReferenceFrames(videoCodec: string | null): boolean {
  return videoCodec !== null && SKIPS_NON_REFERENCE.has(videoCodec);
}

/**
 * Decoder threads per ffmpeg run: the cores shared out among the jobs that may run at
 * once, at least one. Frame threads beyond that only add start-up work and hand-offs
 * between threads that wait for each other (on a busy machine, most of the run).
 */
export function decoderThreads(cores: number, concurrency: number): number {
  if (!(cores >= 1) || !(concurrency >= 1)) return 1;
  return Math.max(1, Math.floor(cores / concurrency));
}

function evenDown(n: number): number {
  return Math.floor(n / 2) * 2;
}

function evenNearest(n: number): number {
  return Math.round(n / 2) * 2;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
