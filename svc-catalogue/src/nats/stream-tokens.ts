import {
  type NatsConnection,
  type Role,
  RPC,
  request,
  type StreamTokenAnswer,
} from "@streamstack/contracts/server";
import type { Catalogue } from "../catalogue.ts";

/**
 * Gets a stream URL for a published item from the streaming service, on behalf of the
 * caller: their access token travels along, and streaming checks it again (revocation).
 * No responders → 503, no answer in time → 504 (mapped by `request`).
 */
export async function issueStreamToken(
  deps: { nc: NatsConnection; catalogue: Catalogue; timeoutMs: number },
  caller: { role: Role; accessToken: string; requestId: string },
  mediaId: string,
): Promise<StreamTokenAnswer> {
  const source = await deps.catalogue.streamSource(caller.role, mediaId);
  const issued = await request(deps.nc, RPC.tokenIssue, source, {
    accessToken: caller.accessToken,
    requestId: caller.requestId,
    timeoutMs: deps.timeoutMs,
  });
  return { stream_url: issued.stream_url, expires_at: issued.expires_at };
}
