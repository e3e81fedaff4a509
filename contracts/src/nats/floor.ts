/**
 * The one place that knows which nats-server we build for. Debian 12 ships 2.9.10;
 * features newer than the floor are gated here so a cluster upgrade is one edit.
 */
export const NATS_SERVER_FLOOR = "2.9.10";

/** Server features by the first version that has them (see ENVIRONMENT.md). */
export const NATS_FEATURES = {
  /** Per-message / per-key TTL: fails SILENTLY on 2.9 (nothing expires). Never rely on it. */
  perMessageTtl: "2.11.0",
  streamMetadata: "2.10.0",
  multiFilterConsumers: "2.10.0",
} as const;

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function serverHas(version: string, feature: keyof typeof NATS_FEATURES): boolean {
  return compareVersions(version, NATS_FEATURES[feature]) >= 0;
}

/** Throws a clear error when connected to a server older than the floor. */
export function assertServerFloor(version: string): void {
  if (compareVersions(version, NATS_SERVER_FLOOR) < 0) {
    throw new Error(
      `nats-server ${version} is older than the supported floor ${NATS_SERVER_FLOOR}`,
    );
  }
}
