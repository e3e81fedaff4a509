// The one table of which settings each service gets. `npm start` (stack.ts) uses it now;
// compose.yaml is meant to be derived from it, so keep it free of local-only knowledge.

export const SERVICES = ["auth", "catalogue", "streaming", "ingest", "thumbnailer"] as const;
export type ServiceName = (typeof SERVICES)[number];

interface ServiceNeeds {
  /** Owns this Postgres database (one database per owning service). */
  database?: string;
  /** Signs access tokens: gets the private key file. */
  signsTokens?: true;
  /** Creates the first admin: gets ADMIN_EMAIL / ADMIN_PASSWORD. */
  bootstrapsAdmin?: true;
  /** Accepts uploads: gets MAX_UPLOAD_BYTES. */
  acceptsUploads?: true;
}

export const SERVICE_NEEDS: Record<ServiceName, ServiceNeeds> = {
  auth: { database: "auth", signsTokens: true, bootstrapsAdmin: true },
  catalogue: { database: "catalogue" },
  streaming: {},
  ingest: { acceptsUploads: true },
  thumbnailer: {},
};

/** Where the shared pieces are, as seen from the services. */
export interface StackEndpoints {
  /** Address services bind to. */
  host: string;
  natsUrl: string;
  /** Postgres URL without a database path, e.g. postgres://postgres@127.0.0.1:15432 */
  postgresUrl: string;
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  jwtPrivateKeyFile: string;
  jwtIssuer: string;
  adminEmail: string;
  adminPassword: string;
  maxUploadBytes: number;
  logLevel: string;
  /** Each service's own NATS user (permissions from contracts); absent: no credentials. */
  natsUsers?: Partial<Record<ServiceName, { user: string; password: string }>>;
}

/** Every variable serviceEnv may set: the stack drops these from what it inherits. */
export const SERVICE_ENV_KEYS = [
  "PORT", "HOST", "NATS_URL", "DATABASE_URL", "S3_ENDPOINT", "S3_REGION", "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY", "S3_BUCKET_MEDIA", "S3_BUCKET_THUMBNAILS", "JWT_PRIVATE_KEY_FILE",
  "JWT_ISSUER", "ADMIN_EMAIL", "ADMIN_PASSWORD", "MAX_UPLOAD_BYTES", "LOG_LEVEL", "NATS_USER",
  "NATS_PASSWORD",
] as const; // biome-ignore format: a list, not a tree

type ServiceEnv = Partial<Record<(typeof SERVICE_ENV_KEYS)[number], string>> &
  Record<string, string>;

export function serviceEnv(name: ServiceName, port: number, at: StackEndpoints): ServiceEnv {
  const needs = SERVICE_NEEDS[name];
  const natsUser = at.natsUsers?.[name];
  return {
    PORT: String(port),
    HOST: at.host,
    NATS_URL: at.natsUrl,
    ...(natsUser && { NATS_USER: natsUser.user, NATS_PASSWORD: natsUser.password }),
    S3_ENDPOINT: at.s3.endpoint,
    S3_REGION: at.s3.region,
    S3_ACCESS_KEY_ID: at.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: at.s3.secretAccessKey,
    S3_BUCKET_MEDIA: "media",
    S3_BUCKET_THUMBNAILS: "thumbnails",
    JWT_ISSUER: at.jwtIssuer,
    LOG_LEVEL: at.logLevel,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...(needs.database && {
      DATABASE_URL: `${at.postgresUrl.replace(/\/$/, "")}/${needs.database}`,
    }),
    ...(needs.signsTokens && { JWT_PRIVATE_KEY_FILE: at.jwtPrivateKeyFile }),
    ...(needs.bootstrapsAdmin && { ADMIN_EMAIL: at.adminEmail, ADMIN_PASSWORD: at.adminPassword }),
    ...(needs.acceptsUploads && { MAX_UPLOAD_BYTES: String(at.maxUploadBytes) }),
  };
}

/** The databases the stack must create before services start. */
export function serviceDatabases(): string[] {
  return SERVICES.flatMap((s) => SERVICE_NEEDS[s].database ?? []);
}
