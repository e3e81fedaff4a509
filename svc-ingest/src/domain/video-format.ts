import { AppError } from "@streamstack/contracts";

/** Container families told apart by their first bytes. */
export type ContainerFamily =
  | "isobmff"
  | "ebml"
  | "avi"
  | "mpeg-ps"
  | "mpeg-ts"
  | "ogg"
  | "flv"
  | "asf";

export interface VideoFormat {
  /** Lower-case extension, used in the S3 key `<media_id>.<ext>`. */
  ext: string;
  /** What the object is stored and later streamed as. */
  contentType: string;
  family: ContainerFamily;
}

const FORMATS: Record<string, Omit<VideoFormat, "ext">> = {
  mp4: { contentType: "video/mp4", family: "isobmff" },
  m4v: { contentType: "video/x-m4v", family: "isobmff" },
  mov: { contentType: "video/quicktime", family: "isobmff" },
  "3gp": { contentType: "video/3gpp", family: "isobmff" },
  webm: { contentType: "video/webm", family: "ebml" },
  mkv: { contentType: "video/x-matroska", family: "ebml" },
  avi: { contentType: "video/x-msvideo", family: "avi" },
  mpg: { contentType: "video/mpeg", family: "mpeg-ps" },
  mpeg: { contentType: "video/mpeg", family: "mpeg-ps" },
  ts: { contentType: "video/mp2t", family: "mpeg-ts" },
  ogv: { contentType: "video/ogg", family: "ogg" },
  flv: { contentType: "video/x-flv", family: "flv" },
  wmv: { contentType: "video/x-ms-wmv", family: "asf" },
};

/** Declared types that say nothing either way (curl sends octet-stream for .mp4). */
const NEUTRAL_TYPES = new Set(["", "application/octet-stream", "binary/octet-stream"]);
const VIDEO_LIKE_TYPES = new Set(["application/ogg", "application/x-matroska", "application/mp4"]);

export const SUPPORTED_EXTENSIONS = Object.keys(FORMATS);

/**
 * Decides from the file name and the declared content type whether an upload is a
 * video we take, before any byte is stored. The extension decides the format; a
 * declared type, when it says something, must say video.
 */
export function resolveVideoFormat(
  filename: string,
  declaredType: string | undefined,
): VideoFormat {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(filename.trim())?.[1]?.toLowerCase() ?? "";
  const format = FORMATS[ext];
  if (!format) {
    throw new AppError(
      "unsupported_media_type",
      `not a video file: "${filename}" (accepted: ${SUPPORTED_EXTENSIONS.map((e) => `.${e}`).join(", ")})`,
    );
  }
  const declared = (declaredType ?? "").split(";")[0]!.trim().toLowerCase();
  if (
    !NEUTRAL_TYPES.has(declared) &&
    !declared.startsWith("video/") &&
    !VIDEO_LIKE_TYPES.has(declared)
  ) {
    throw new AppError(
      "unsupported_media_type",
      `not a video: the file is declared as ${declared}`,
    );
  }
  return { ext, ...format };
}

/** Bytes needed to recognise every family (MPEG-TS needs its second sync byte at 188). */
export const SNIFF_BYTES = 189;

const ascii = (head: Uint8Array, at: number, text: string) =>
  head.length >= at + text.length && [...text].every((ch, i) => head[at + i] === ch.charCodeAt(0));
const bytes = (head: Uint8Array, at: number, sig: number[]) =>
  head.length >= at + sig.length && sig.every((b, i) => head[at + i] === b);

/** ISO BMFF files start with a box; QuickTime files may open with moov/mdat/wide/free. */
const BMFF_FIRST_BOXES = ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"];

/** Recognises a container from its first bytes; undefined when none matches. */
export function sniffContainer(head: Uint8Array): ContainerFamily | undefined {
  if (BMFF_FIRST_BOXES.some((box) => ascii(head, 4, box))) return "isobmff";
  if (bytes(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) return "ebml";
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "AVI ")) return "avi";
  if (bytes(head, 0, [0x00, 0x00, 0x01, 0xba]) || bytes(head, 0, [0x00, 0x00, 0x01, 0xb3])) {
    return "mpeg-ps";
  }
  if (head[0] === 0x47 && (head.length <= 188 || head[188] === 0x47)) return "mpeg-ts";
  if (ascii(head, 0, "OggS")) return "ogg";
  if (ascii(head, 0, "FLV")) return "flv";
  if (bytes(head, 0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return "asf";
  return undefined;
}

/** Rejects content whose first bytes are not the container its extension promises. */
export function assertContainerMatches(format: VideoFormat, head: Uint8Array): void {
  const found = sniffContainer(head);
  if (found === format.family) return;
  throw new AppError(
    "unsupported_media_type",
    found
      ? `the content is ${found}, not the .${format.ext} its name says`
      : `not a video: the content of this .${format.ext} file is not a known video container`,
  );
}
