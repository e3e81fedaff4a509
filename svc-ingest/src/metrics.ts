import { AppError, isAppError, type Metrics } from "@streamstack/contracts/server";
import { Counter } from "prom-client";

/** The two ways into ingest. */
export type UploadPath = "multipart" | "tus";

/**
 * Ingest's own series, on the service registry: file bytes received per path
 * (`ingest_upload_bytes_total`) and how uploads ended (`ingest_uploads_total`):
 * `accepted` (handed to the pipeline), `rejected` (the client's fault: 4xx) or `failed`
 * (ours or a dependency's: 5xx), with the error code as `reason`.
 */
export function createIngestMetrics(metrics: Metrics) {
  const registers = [metrics.registry];
  const bytes = new Counter({
    name: "ingest_upload_bytes_total",
    help: "File bytes received from uploaders, by path (multipart, tus); refused and interrupted uploads included",
    labelNames: ["path"] as const,
    registers,
  });
  const uploads = new Counter({
    name: "ingest_uploads_total",
    help: "Uploads by path and outcome (accepted, rejected = 4xx, failed = 5xx) and reason (error code)",
    labelNames: ["path", "outcome", "reason"] as const,
    registers,
  });
  for (const path of ["multipart", "tus"] as const) {
    bytes.inc({ path }, 0); // both series exist from the start: rate() needs a first sample
    uploads.inc({ path, outcome: "accepted", reason: "none" }, 0);
  }
  return {
    received(path: UploadPath, n: number) {
      if (n > 0) bytes.inc({ path }, n);
    },
    accepted(path: UploadPath) {
      uploads.inc({ path, outcome: "accepted", reason: "none" });
    },
    /** An upload that ended with `err` (an AppError, or anything else: internal). */
    refused(path: UploadPath, err: unknown) {
      const e = isAppError(err) ? err : new AppError("internal", "internal error");
      uploads.inc({ path, outcome: e.status < 500 ? "rejected" : "failed", reason: e.code });
    },
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
