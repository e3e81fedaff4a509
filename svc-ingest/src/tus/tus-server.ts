import { randomUUID } from "node:crypto";
import {
  AppError,
  isAppError,
  isDependencyOutage,
  type UploadAccepted,
} from "@streamstack/contracts/server";
import { Server } from "@tus/server";
import type { Locker, Upload } from "@tus/utils";
import { mediaKey, parseMediaKey } from "../domain/media-key.ts";
import { readTusMetadata } from "../domain/tus-metadata.ts";
import { assertContainerMatches, SNIFF_BYTES } from "../domain/video-format.ts";
import { type HandoffDeps, handOff } from "../handoff/handoff.ts";
import { removeMedia } from "../handoff/marker.ts";
import type { IngestMetrics } from "../metrics.ts";
import type { JournaledS3Store } from "./journaled-store.ts";

export const TUS_PATH = "/api/v1/ingest/tus";
/** Carries the media id on tus responses for an upload (HEAD, PATCH). */
export const MEDIA_ID_HEADER = "Upload-Media-Id";

/**
 * tus 1.0.0 (creation, creation-with-upload, creation-defer-length, termination,
 * expiration) over `JournaledS3Store`. The upload id is the final media key
 * `<media_id>.<ext>`, so a finished upload is already where the item points. Metadata
 * is checked at creation (400/415 before a byte); the content is sniffed when the
 * upload completes, then it enters the same hand-off as a multipart upload. Auth is the
 * edge's job (requireAuth before this server sees a request).
 */
export function createTusServer(
  deps: HandoffDeps & {
    store: JournaledS3Store;
    locker: Locker;
    maxBytes: number;
    metrics: IngestMetrics;
  },
): Server {
  deps.store.onReceived = (bytes) => deps.metrics.received("tus", bytes);
  return new Server({
    path: TUS_PATH,
    datastore: deps.store,
    locker: deps.locker,
    maxSize: deps.maxBytes,
    relativeLocation: true,
    respectForwardedHeaders: true,
    // Once handed off, the file belongs to the catalogue item: delete it there.
    disableTerminationForFinishedUploads: true,
    exposedHeaders: [MEDIA_ID_HEADER, "X-Request-Id"],
    namingFunction: (_req, metadata) =>
      mediaKey(randomUUID(), readTusMetadata(metadata ?? undefined).format.ext),
    async onUploadCreate(_req, upload) {
      let format: ReturnType<typeof readTusMetadata>["format"];
      try {
        format = readTusMetadata(upload.metadata).format;
      } catch (err) {
        deps.metrics.refused("tus", err);
        throw err;
      }
      // @tus/s3-store sets the object's Content-Type from `contentType`.
      return { metadata: { ...upload.metadata, contentType: format.contentType } };
    },
    async onUploadFinish(req, upload) {
      let accepted: UploadAccepted;
      try {
        accepted = await finishUpload(deps, upload, {
          accessToken: /^Bearer (.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1],
          requestId: req.headers.get("x-request-id") ?? undefined,
        });
      } catch (err) {
        deps.metrics.refused("tus", err);
        throw err;
      }
      deps.metrics.accepted("tus");
      return { headers: { [MEDIA_ID_HEADER]: accepted.media_id } };
    },
    onResponseError(req, err) {
      // tus's own size refusal (over MAX_UPLOAD_BYTES); ours were counted where thrown.
      if (!isAppError(err) && (err as { status_code?: number }).status_code === 413) {
        deps.metrics.refused("tus", new AppError("payload_too_large", "over the size limit"));
      }
      // tus answers any other failure with a plain 500; S3 being down is a 503 to retry.
      const known = isAppError(err)
        ? err
        : isDependencyOutage(err)
          ? new AppError("unavailable", "storage is unavailable; resume the upload shortly")
          : undefined;
      if (!known) {
        const status = (err as { status_code?: number }).status_code ?? 500;
        if (status >= 500) deps.logger.error({ err }, "tus: request failed"); // a plain 500
        return undefined;
      }
      if (!isAppError(err)) deps.logger.warn({ err }, "tus: storage unavailable");
      // Only the status and body can be returned here; the body is JSON, so say so on the
      // Node response (tus's own answer carries no Content-Type to override it).
      const res = (req as unknown as NodeBacked).runtime?.node?.res;
      if (res && !res.headersSent) res.setHeader("Content-Type", "application/json");
      return { status_code: known.status, body: JSON.stringify(known.toBody()) };
    },
  });
}

/** tus's requests on Node carry the Node request/response pair (srvx). */
type NodeBacked = {
  runtime?: { node?: { res?: { headersSent: boolean; setHeader(n: string, v: string): unknown } } };
};

async function finishUpload(
  deps: HandoffDeps,
  upload: Upload,
  ctx: { accessToken?: string | undefined; requestId?: string | undefined },
): Promise<UploadAccepted> {
  const key = parseMediaKey(upload.id);
  if (!key) throw new AppError("internal", `unexpected tus upload id ${upload.id}`);
  const info = readTusMetadata(upload.metadata);
  try {
    if (!upload.size)
      throw new AppError("unsupported_media_type", "not a video: the file is empty");
    assertContainerMatches(info.format, await deps.bucket.readHead(upload.id, SNIFF_BYTES));
  } catch (err) {
    await removeMedia(deps.bucket, key.mediaId);
    throw err;
  }
  return handOff(
    deps,
    {
      mediaId: key.mediaId,
      key: upload.id,
      contentType: info.format.contentType,
      title: info.title,
      description: info.description,
    },
    ctx,
  );
}
