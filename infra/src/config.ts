import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);
const flag = z
  .enum(["0", "1", "false", "true", "no", "yes"])
  .transform((v) => v === "1" || v === "true" || v === "yes");

/** Everything `npm start` reads from the environment, with its default. */
export const stackEnvSchema = z.object({
  HTTP_PORT: port.default(8080),
  NATS_PORT: port.default(4222),
  NATS_MONITOR_PORT: port.default(8222),
  PG_PORT: port.default(15432),
  S3_PORT: port.default(9000),
  AUTH_PORT: port.default(7001),
  CATALOGUE_PORT: port.default(7002),
  STREAMING_PORT: port.default(7003),
  INGEST_PORT: port.default(7004),
  THUMBNAILER_PORT: port.default(7005),
  /** Relative to the repository root. */
  DATA_DIR: z.string().default(".data"),
  ADMIN_EMAIL: z.email().default("admin@streamstack.local"),
  /** Absent: generated once and kept in <DATA_DIR>/admin-password. */
  ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(21_474_836_480),
  SEED_DEMO: flag.default(true),
  /** NATS users with per-service permissions (contracts); 0 runs an open server (debugging only). */
  NATS_AUTH: flag.default(true),
  /** The integrator and operator NATS accounts (API.md); absent: generated once and kept. */
  INTEGRATOR_NATS_USER: z.string().optional(),
  INTEGRATOR_NATS_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  OPS_NATS_USER: z.string().optional(),
  OPS_NATS_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
});

export type StackConfig = z.infer<typeof stackEnvSchema>;
export type PortVar = Extract<keyof StackConfig, `${string}_PORT`>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses once, failing with every problem named by its env var. Empty values count as unset. */
export function parseStackConfig(env: Record<string, string | undefined>): StackConfig {
  const set = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = stackEnvSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const ports = portsOf(parsed.data);
  const seen = new Map<number, string>();
  for (const [name, value] of Object.entries(ports)) {
    const other = seen.get(value);
    if (other) throw new ConfigError(`Invalid environment: ${name} and ${other} are both ${value}`);
    seen.set(value, name);
  }
  return parsed.data;
}

/** Every port the stack binds, keyed by the env var that sets it. */
export function portsOf(config: StackConfig): Record<PortVar, number> {
  const entries = Object.entries(config).filter(([k]) => k.endsWith("_PORT"));
  return Object.fromEntries(entries) as Record<PortVar, number>;
}
