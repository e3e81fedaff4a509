import { PipelineSnapshot } from "@streamstack/contracts";
import type { ApiClient } from "./client.ts";

/** The JetStream pipeline at one moment (API.md `GET /ingest/pipeline`, admin). */
export const getPipeline = (api: ApiClient, signal?: AbortSignal) =>
  api.json(PipelineSnapshot, "/ingest/pipeline", signal ? { signal } : {});
