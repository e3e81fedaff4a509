import {
  isAppError,
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
  let timeouts = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      const issued = await request(deps.nc, RPC.tokenIssue, source, {
        accessToken: caller.accessToken,
        requestId: caller.requestId,
        timeoutMs: deps.timeoutMs,
      });
      return { stream_url: issued.stream_url, expires_at: issued.expires_at };
    } catch (err) {
      const delay = RETRY_DELAYS_MS[attempt];
      // A write the dying leader never acknowledged times out: one more try, not more (each
      // costs the viewer timeoutMs).
      const retry =
        isAppError(err) &&
        (err.code === "unavailable" || (err.code === "timeout" && timeouts++ < 1));
      if (!retry || delay === undefined) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * A viewer pressing play should wait out a NATS leader election (the stream-token KV has
 * no leader for a few seconds when its node dies) rather than see an error. Issuing again
 * is safe: a token an earlier attempt stored unseen just expires unused.
 */
const RETRY_DELAYS_MS = [250, 500, 1000, 1000, 2000, 2000, 2000, 2000];
