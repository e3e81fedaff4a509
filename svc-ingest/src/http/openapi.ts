import {
  type ApiOperation,
  openApiDocument,
  PipelineSnapshot,
  UploadAccepted,
} from "@streamstack/contracts/server";
import { z } from "zod";

/** Where the ingest edge lives behind the gateway. */
export const INGEST_BASE = "/api/v1/ingest";

const admin = { 401: "No or invalid access token", 403: "Needs an admin account" };
const uploadId = z.object({
  id: z.string().describe("The tus upload id (last segment of Location)"),
});
const tusVersion = z.object({ "Tus-Resumable": z.literal("1.0.0") });
const tusHeaders = {
  "Tus-Resumable": "1.0.0",
  "Upload-Media-Id": "The media id this upload becomes",
};

/** OPTIONS: tus capabilities, open to anyone (browsers send it as the CORS preflight). */
const tusOptions = (path: string): ApiOperation => ({
  method: "options",
  path,
  summary: "tus capabilities (no auth, for CORS preflight)",
  ...(path.includes("{id}") && { pathParams: uploadId }),
  ok: {
    status: 204,
    description: "Supported tus versions and extensions",
    headers: {
      "Tus-Version": "1.0.0",
      "Tus-Extension": "creation, termination, …",
      "Tus-Max-Size": "Bytes",
    },
  },
  errors: {},
});

/** The Ingest section of API.md, as operations: the source of the OpenAPI document. */
const OPERATIONS: ApiOperation[] = [
  {
    method: "post",
    path: "/upload",
    summary: "Upload a video in one request (streamed to storage)",
    description:
      "Form fields title and description may come before or after the file. The body is streamed to S3, never held whole in memory or on disk.",
    auth: "admin",
    body: {
      required: true,
      contentType: "multipart/form-data",
      schema: z.object({
        file: z.string().meta({ contentMediaType: "video/*", format: "binary" }),
        title: z.string().min(1).max(200),
        description: z.string().max(5000).optional(),
      }),
    },
    ok: { status: 202, description: "Stored; processing has started", schema: UploadAccepted },
    errors: {
      400: "Bad form (no file, missing or invalid title)",
      ...admin,
      413: "Larger than the configured limit",
      415: "Not a video type",
      503: "Storage or catalogue unavailable",
    },
  },
  tusOptions("/tus"),
  tusOptions("/tus/{id}"),
  {
    method: "post",
    path: "/tus",
    summary: "Create a resumable upload (tus creation)",
    description:
      "Upload-Metadata (base64 values) carries filename, title and description. When the upload completes it enters the same pipeline as POST /upload.",
    auth: "admin",
    headers: z.object({
      ...tusVersion.shape,
      "Upload-Length": z.string().regex(/^\d+$/),
      "Upload-Metadata": z.string().describe("filename <b64>,title <b64>[,description <b64>]"),
    }),
    ok: {
      status: 201,
      description: "Created",
      headers: { Location: "The upload's URL", ...tusHeaders },
    },
    errors: {
      400: "Bad metadata",
      ...admin,
      413: "Larger than the configured limit",
      415: "Not a video type",
    },
  },
  {
    method: "head",
    path: "/tus/{id}",
    summary: "Where an upload stands (tus offset)",
    auth: "admin",
    pathParams: uploadId,
    headers: tusVersion,
    ok: {
      status: 200,
      description: "Upload-Offset and Upload-Length",
      headers: { "Upload-Offset": "Bytes stored", "Upload-Length": "Total bytes", ...tusHeaders },
    },
    errors: { ...admin, 404: "No such upload" },
  },
  {
    method: "patch",
    path: "/tus/{id}",
    summary: "Append bytes at Upload-Offset",
    auth: "admin",
    pathParams: uploadId,
    headers: z.object({ ...tusVersion.shape, "Upload-Offset": z.string().regex(/^\d+$/) }),
    body: { required: true, contentType: "application/offset+octet-stream" },
    ok: {
      status: 204,
      description: "Appended",
      headers: { "Upload-Offset": "New offset", ...tusHeaders },
    },
    errors: {
      ...admin,
      404: "No such upload",
      409: "Offset does not match",
      413: "Beyond Upload-Length",
    },
  },
  {
    method: "delete",
    path: "/tus/{id}",
    summary: "Abandon an upload (tus termination)",
    auth: "admin",
    pathParams: uploadId,
    headers: tusVersion,
    ok: { status: 204, description: "Removed with its stored parts" },
    errors: { ...admin, 404: "No such upload" },
  },
  {
    method: "get",
    path: "/tus/{id}/media",
    summary: "The catalogue item a finished upload became",
    auth: "admin",
    pathParams: uploadId,
    ok: { status: 200, description: "The media item", schema: UploadAccepted },
    errors: { ...admin, 404: "No such upload", 409: "The upload is not finished yet" },
  },
  {
    method: "get",
    path: "/pipeline",
    summary: "Streams, consumers and NATS services, read live (operators)",
    auth: "admin",
    ok: { status: 200, description: "A snapshot of the pipeline", schema: PipelineSnapshot },
    errors: { ...admin, 503: "NATS unavailable" },
  },
];

/** OpenAPI 3.1 document of the ingest edge (served at /api/v1/ingest/openapi.json). */
export const ingestOpenApi = () =>
  openApiDocument({
    title: "StreamStack ingest",
    description:
      "Uploads (one request or resumable tus 1.0.0) and the operator's pipeline view. Errors: {error: {code, message, details?}}.",
    basePath: INGEST_BASE,
    operations: OPERATIONS,
  });
