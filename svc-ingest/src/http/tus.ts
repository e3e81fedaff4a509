import {
  AppError,
  type EdgeEnv,
  RPC,
  request,
  requireAuth,
  type TokenVerifier,
  type UploadAccepted,
} from "@streamstack/contracts/server";
import type { Server } from "@tus/server";
import { type Context, Hono } from "hono";
import { parseMediaKey } from "../domain/media-key.ts";
import type { HandoffDeps } from "../handoff/handoff.ts";
import type { JournaledS3Store } from "../tus/journaled-store.ts";
import { handleTus } from "../tus/node-body.ts";
import { MEDIA_ID_HEADER } from "../tus/tus-server.ts";
import { nodeExchange } from "./node-request.ts";

/**
 * `/tus/*`: the tus protocol, admin only (OPTIONS stays open for CORS preflight), and
 * `GET /tus/:id/media`: the catalogue item a finished upload became.
 */
export function tusRoutes(
  deps: HandoffDeps & { verifier: TokenVerifier; tus: Server; store: JournaledS3Store },
) {
  const app = new Hono<EdgeEnv>();
  const admin = requireAuth(deps.verifier, "admin");

  app.get("/tus/:id/media", admin, async (c) => {
    const id = c.req.param("id");
    const key = parseMediaKey(id);
    const upload = key && (await deps.store.getUpload(id).catch(() => undefined));
    if (!key || !upload) throw new AppError("not_found", "no such upload");
    if (upload.size === undefined || upload.offset < upload.size) {
      throw new AppError("conflict", "the upload is not finished yet", {
        offset: upload.offset,
        size: upload.size ?? null,
      });
    }
    const { item } = await request(
      deps.nc,
      RPC.mediaGet,
      { media_id: key.mediaId },
      { accessToken: c.var.auth.token, requestId: c.var.requestId },
    );
    return c.json({ media_id: key.mediaId, status: item.status, item } satisfies UploadAccepted);
  });

  // tus writes its answer straight to the Node response (streaming, abort-aware).
  const handle = async (c: Context<EdgeEnv>) => {
    const { req, res } = nodeExchange(c);
    // tus would serve the file's bytes on GET; only the streaming edge serves bytes.
    if (req.method === "GET") throw new AppError("not_found", "uploads are not downloadable here");
    // Upload ids are media keys (`<uuid>.<ext>`). Anything else names no upload and must not
    // reach the store: an id decoding to `..%2F…` or holding characters a KV key cannot was
    // answered 500 by the S3 store or the lock bucket.
    const id = /\/tus\/?(.*)$/.exec(new URL(c.req.url).pathname)?.[1] ?? "";
    const key = parseMediaKey(id);
    if (id && !key) throw new AppError("not_found", "no such upload");
    req.headers["x-request-id"] = c.var.requestId;
    res.setHeader("X-Request-Id", c.var.requestId);
    if (key) res.setHeader(MEDIA_ID_HEADER, key.mediaId);
    await handleTus(deps.tus, req, res);
    return new Response(null, { status: res.statusCode, headers: { "x-hono-already-sent": "1" } });
  };
  app.options("/tus", handle);
  app.options("/tus/*", handle);
  // Hono routes HEAD through GET handlers; a real GET is refused in `handle`.
  for (const path of ["/tus", "/tus/*"]) {
    app.on(["POST", "GET", "PATCH", "DELETE"], path, admin, handle);
  }
  return app;
}
