import { type ApiOperation, openApiDocument, Uuid } from "@streamstack/contracts/server";
import { z } from "zod";

/** Where the streaming edge lives behind the gateway. */
export const STREAM_BASE = "/api/v1/stream";

const token = z.object({
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .describe("The token from POST /api/v1/catalogue/{id}/stream-token (its stream_url)"),
});
const rangeHeaders = z.object({
  Range: z
    .string()
    .optional()
    .describe("bytes=a-b, bytes=a- or bytes=-n; malformed or multi-range → the whole object"),
  "If-Range": z.string().optional().describe("An ETag: the range applies only if it still matches"),
});
const bytesHeaders = {
  "Accept-Ranges": "Always `bytes`",
  "Content-Length": "Bytes in this answer",
  ETag: "Identifies the stored object (for If-Range)",
};
const video = "The video's stored content type (e.g. video/mp4)";

const videoOperation = (method: "get" | "head"): ApiOperation => ({
  method,
  path: "/{token}",
  summary: method === "get" ? "The video's bytes, whole or one range" : "The video's headers only",
  description:
    "No auth header: the token is the capability (valid 1 h). Built for <video src>: seeking sends Range requests.",
  pathParams: token,
  headers: rangeHeaders,
  ok: {
    status: 200,
    description: `Whole object. ${video}`,
    contentType: "video/*",
    headers: bytesHeaders,
  },
  also: [
    {
      status: 206,
      description: `One byte range. ${video}`,
      contentType: "video/*",
      headers: { ...bytesHeaders, "Content-Range": "bytes a-b/size" },
    },
  ],
  errors: {
    404: "Unknown or expired token",
    416: "Range not satisfiable (Content-Range: bytes */size)",
    503: "Storage or token store unavailable",
  },
});

const thumbnailOperation = (method: "get" | "head"): ApiOperation => ({
  method,
  path: "/thumbnails/{media_id}.jpg",
  summary: "The media item's JPEG thumbnail (cacheable)",
  description: "No auth header, so <img src> works; revalidate with If-None-Match.",
  pathParams: z.object({ media_id: Uuid }),
  headers: z.object({ "If-None-Match": z.string().optional() }),
  ok: {
    status: 200,
    description: "The thumbnail",
    contentType: "image/jpeg",
    headers: { "Cache-Control": "public, max-age=THUMBNAIL_MAX_AGE_S", ETag: "Object version" },
  },
  also: [{ status: 304, description: "Not modified (ETag matched)" }],
  errors: { 404: "No thumbnail (yet) for this media", 503: "Storage unavailable" },
});

/** The Streaming section of API.md, as operations: the source of the OpenAPI document. */
const OPERATIONS: ApiOperation[] = [
  videoOperation("get"),
  videoOperation("head"),
  thumbnailOperation("get"),
  thumbnailOperation("head"),
];

/** OpenAPI 3.1 document of the streaming edge (served at /api/v1/stream/openapi.json). */
export const streamingOpenApi = () =>
  openApiDocument({
    title: "StreamStack streaming",
    description:
      "Video bytes with HTTP range requests, and thumbnails. Errors: {error: {code, message, details?}}.",
    basePath: STREAM_BASE,
    operations: OPERATIONS,
  });
