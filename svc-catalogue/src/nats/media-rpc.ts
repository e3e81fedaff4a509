import {
  type Logger,
  type Metrics,
  RPC,
  type Service,
  serveRpc,
} from "@streamstack/contracts/server";
import type { Catalogue } from "../catalogue.ts";

/**
 * `catalogue.rpc.media.create` and `.get`, for ingest. These are service calls, not
 * user calls: who may make them is decided by NATS subject permissions (only ingest
 * publishes to catalogue.rpc.>), so no user token is required here.
 */
export function serveMediaRpc(
  service: Service,
  catalogue: Catalogue,
  logger: Logger,
  metrics?: Metrics,
): void {
  serveRpc(service, RPC.mediaCreate, (req) => catalogue.create(req), logger, metrics);
  serveRpc(
    service,
    RPC.mediaGet,
    async ({ media_id }) => ({ item: await catalogue.getAny(media_id) }),
    logger,
    metrics,
  );
}
