import { randomBytes } from "node:crypto";
import {
  AppError,
  type RPC,
  type RpcHandler,
  type StreamTokenRecord,
  type TokenVerifier,
} from "@streamstack/contracts/server";
import { STREAM_TOKEN_BYTES, streamTokenExpiry, streamUrl } from "../domain/stream-token.ts";
import type { StreamTokenStore } from "./stream-tokens.ts";

/**
 * `streaming.rpc.token.issue`: catalogue asks on a viewer's behalf, carrying the
 * viewer's access token. We verify it ourselves (signature, expiry, revocation), as
 * an HTTP edge would, then grant one media for the token TTL.
 */
export function issueStreamToken(deps: {
  verifier: TokenVerifier;
  tokens: StreamTokenStore;
  ttlMs: number;
}): RpcHandler<typeof RPC.tokenIssue> {
  return async (req, ctx) => {
    if (!ctx.accessToken) {
      throw new AppError("unauthorized", "a stream token is issued only for a signed-in viewer");
    }
    const claims = await deps.verifier.verify(ctx.accessToken);
    const token = randomBytes(STREAM_TOKEN_BYTES).toString("base64url");
    const record: StreamTokenRecord = {
      media_id: req.media_id,
      user_id: claims.sub,
      issued_at: new Date().toISOString(),
      s3_key: req.s3_key,
      size_bytes: req.size_bytes,
      content_type: req.content_type,
    };
    await deps.tokens.put(token, record).catch((cause: unknown) => {
      // KV without a leader (a NATS node died; the election takes seconds) or unreachable:
      // a 503 the caller may retry, not a 500.
      throw new AppError("unavailable", "the stream-token store is unavailable", undefined, {
        cause,
      });
    });
    return {
      token,
      stream_url: streamUrl(token),
      expires_at: new Date(streamTokenExpiry(record, deps.ttlMs)).toISOString(),
    };
  };
}
