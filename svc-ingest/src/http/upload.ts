import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream";
import {
  AppError,
  type EdgeEnv,
  isAppError,
  requireAuth,
  type TokenVerifier,
} from "@streamstack/contracts/server";
import { type Context, Hono } from "hono";
import { mediaKey } from "../domain/media-key.ts";
import { checkDeclaredLength, readMediaText } from "../domain/upload-form.ts";
import { resolveVideoFormat } from "../domain/video-format.ts";
import { type HandoffDeps, handOff } from "../handoff/handoff.ts";
import { removeMedia } from "../handoff/marker.ts";
import type { IngestMetrics } from "../metrics.ts";
import { readUploadForm } from "./multipart.ts";
import { nodeExchange } from "./node-request.ts";
import { UploadGuard } from "./upload-guard.ts";

/**
 * `POST /upload` (multipart/form-data: `file`, `title`, `description?`). The file part
 * flows request → UploadGuard (type sniff, byte limit) → S3 multipart upload, never
 * whole in memory or on disk. Title and description may come before or after the file:
 * a bad title sent first fails before any byte is stored; one sent after the file (or
 * none) deletes the stored object and answers 400.
 */
export function uploadRoutes(
  deps: HandoffDeps & {
    verifier: TokenVerifier;
    maxBytes: number;
    readAheadBytes: number;
    metrics: IngestMetrics;
  },
) {
  const app = new Hono<EdgeEnv>();
  app.post("/upload", requireAuth(deps.verifier, "admin"), async (c) => {
    try {
      const accepted = await upload(c);
      deps.metrics.accepted("multipart");
      return c.json(accepted, 202);
    } catch (err) {
      deps.metrics.refused("multipart", err);
      throw err;
    }
  });

  async function upload(c: Context<EdgeEnv>) {
    const { req } = nodeExchange(c);
    checkDeclaredLength(req.headers["content-length"], deps.maxBytes);
    const form = await readUploadForm(req, async (part, fieldsSoFar) => {
      const format = resolveVideoFormat(part.filename, part.mimeType);
      if (fieldsSoFar.title !== undefined) readMediaText(fieldsSoFar);
      const mediaId = randomUUID();
      const key = mediaKey(mediaId, format.ext);
      const guard = new UploadGuard(format, deps.maxBytes, deps.readAheadBytes);
      pipeline(part.stream, guard, () => undefined); // errors surface through the upload
      try {
        await deps.bucket.putStream(key, guard, format.contentType);
      } catch (err) {
        // The guard's refusal (413/415) is the cause; S3's abort error only follows it.
        throw guard.failure ?? storageError(err);
      } finally {
        deps.metrics.received("multipart", guard.bytes); // also what a refused upload sent
      }
      return { mediaId, key, format };
    });
    const { mediaId, key, format } = form.stored;
    let text: ReturnType<typeof readMediaText>;
    try {
      text = readMediaText(form.fields);
    } catch (err) {
      await removeMedia(deps.bucket, mediaId);
      throw err;
    }
    return handOff(
      deps,
      { mediaId, key, contentType: format.contentType, ...text },
      { accessToken: c.var.auth.token, requestId: c.var.requestId },
    );
  }
  return app;
}

const storageError = (err: unknown) =>
  isAppError(err)
    ? err
    : new AppError("unavailable", "storage is unavailable; upload again shortly", undefined, {
        cause: err,
      });
