import {
  type EdgeEnv,
  type JetStreamManager,
  type NatsConnection,
  requireAuth,
  type TokenVerifier,
} from "@streamstack/contracts/server";
import { Hono } from "hono";
import { readPipeline } from "../nats/pipeline.ts";

/** `GET /pipeline`: the operator's view of streams, consumers and services (admin). */
export function pipelineRoutes(deps: {
  nc: NatsConnection;
  jsm: JetStreamManager;
  verifier: TokenVerifier;
}) {
  const app = new Hono<EdgeEnv>();
  app.get("/pipeline", requireAuth(deps.verifier, "admin"), async (c) =>
    c.json(await readPipeline(deps.nc, deps.jsm)),
  );
  return app;
}
