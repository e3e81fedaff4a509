// compose.yaml, derived from the one per-service table (service-env.ts) that `npm start`
// uses too. Only what exists in containers alone is written here: images, secrets as
// files, healthchecks, start order, replicas. `npm run compose -w infra` rewrites the file;
// infra/test/compose.test.ts fails when the committed file differs from this output.
import { stackEnvSchema } from "../config.ts";
import {
  SERVICE_NEEDS,
  SERVICES,
  type ServiceName,
  type StackEndpoints,
  serviceEnv,
} from "../service-env.ts";
import { NATS_AUTH_SECRET, natsPasswordSecret, SECRET_MAKERS } from "./secrets.ts";
import { toYaml, type YamlValue } from "./yaml.ts";

type Doc = { [key: string]: YamlValue };

/** Three nodes: R3 streams and buckets survive the loss of one. */
export const NATS_NODES = ["nats-1", "nats-2", "nats-3"] as const;
export const NATS_REPLICAS = NATS_NODES.length;
/** Instances per service; thumbnailer included (its consumer is shared work). */
export const SERVICE_REPLICAS = 2;
/** Services the gateway forwards to (thumbnailer has no public routes). */
export const GATEWAY_SERVICES = ["auth", "catalogue", "streaming", "ingest"] as const;

export const IMAGES = {
  postgres: "postgres:16-alpine",
  nats: "nats:2.10-alpine",
  minio: "minio/minio:RELEASE.2025-04-22T22-12-26Z",
  mc: "minio/mc:RELEASE.2025-04-16T18-13-26Z",
  surveyor: "natsio/nats-surveyor:latest",
  prometheus: "prom/prometheus:v2.55.1",
  grafana: "grafana/grafana:11.6.0",
} as const;

/**
 * Files under ./secrets/, made by `npm run compose:secrets -w infra` (secrets.ts): passwords,
 * the JWT key, one NATS password per role and the NATS users config rendered from them.
 */
export const SECRET_FILES = [...Object.keys(SECRET_MAKERS), NATS_AUTH_SECRET];
type SecretName = string;

const run = (name: SecretName) => `/run/secrets/${name}`;
/** A compose interpolation, `${NAME:-default}` / `${NAME:?message}`, resolved by compose. */
const v = (expr: string) => `\${${expr}}`;

/**
 * Variables whose value is a secret: compose passes NAME_FILE instead and the image's
 * entrypoint (infra/docker/entrypoint.sh) reads the file into NAME before node starts.
 */
const fileValued = (name: ServiceName): Partial<Record<string, SecretName>> => ({
  S3_ACCESS_KEY_ID: "s3_access_key",
  S3_SECRET_ACCESS_KEY: "s3_secret_key",
  ADMIN_PASSWORD: "admin_password",
  NATS_PASSWORD: natsPasswordSecret(name),
});
const PLACEHOLDER = "<secret>";

const ports = stackEnvSchema.parse({});
export const servicePort = (s: ServiceName): number =>
  ports[`${s.toUpperCase()}_PORT` as `${Uppercase<ServiceName>}_PORT`];

/** Where the shared pieces are, as seen from inside the compose network. */
export const COMPOSE_ENDPOINTS: StackEndpoints = {
  host: "0.0.0.0",
  natsUrl: NATS_NODES.map((n) => `nats://${n}:4222`).join(","),
  // No password in the URL: postgres.js reads PGPASSWORD, filled from the secret file.
  postgresUrl: "postgres://streamstack@postgres:5432",
  s3: {
    endpoint: "http://minio:9000",
    region: "us-east-1",
    accessKeyId: PLACEHOLDER,
    secretAccessKey: PLACEHOLDER,
  },
  jwtPrivateKeyFile: run("jwt_private_key"),
  jwtIssuer: "streamstack",
  adminEmail: v("ADMIN_EMAIL:-admin@streamstack.local"),
  adminPassword: PLACEHOLDER,
  maxUploadBytes: ports.MAX_UPLOAD_BYTES,
  logLevel: v("LOG_LEVEL:-info"),
  // Each service its own NATS user with its permissions (user name = service name).
  natsUsers: Object.fromEntries(SERVICES.map((s) => [s, { user: s, password: PLACEHOLDER }])),
};

/** A service's environment: serviceEnv's, with secrets turned into *_FILE paths. */
export function composeServiceEnv(name: ServiceName): {
  environment: Record<string, string>;
  secrets: SecretName[];
} {
  const base = {
    ...serviceEnv(name, servicePort(name), COMPOSE_ENDPOINTS),
    // Compose-only: streams and buckets replicated over the three nodes.
    NATS_REPLICAS: String(NATS_REPLICAS),
    GIT_REVISION: v("GIT_REVISION:-dev"),
  };
  if (base.MAX_UPLOAD_BYTES) base.MAX_UPLOAD_BYTES = v("MAX_UPLOAD_BYTES:-21474836480");
  const environment: Record<string, string> = {};
  const secrets = new Set<SecretName>();
  for (const [k, v] of Object.entries(base)) {
    const secret = fileValued(name)[k];
    if (secret) {
      environment[`${k}_FILE`] = run(secret);
      secrets.add(secret);
    } else environment[k] = v;
  }
  if (base.JWT_PRIVATE_KEY_FILE) secrets.add("jwt_private_key");
  if (SERVICE_NEEDS[name].database) {
    environment.PGPASSWORD_FILE = run("postgres_password");
    secrets.add("postgres_password");
  }
  return { environment, secrets: [...secrets].sort() };
}

const healthy = { condition: "service_healthy" };
const every = (interval: string, retries: number) => ({
  interval,
  timeout: "5s",
  retries,
  start_period: "20s",
});

function natsNode(node: string): Doc {
  return {
    image: IMAGES.nats,
    hostname: node,
    entrypoint: ["/bin/sh", "/etc/nats/entrypoint.sh"],
    environment: {
      SERVER_NAME: node,
      NATS_AUTH_FILE: run(NATS_AUTH_SECRET),
      NATS_SYS_PASSWORD: v("NATS_SYS_PASSWORD:?set NATS_SYS_PASSWORD (see infra/docs/deploy.md)"),
    },
    secrets: [NATS_AUTH_SECRET],
    volumes: ["./infra/nats:/etc/nats:ro", `${node}-data:/data`],
    healthcheck: {
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8222/healthz"],
      ...every("5s", 24),
    },
    restart: "unless-stopped",
  };
}

function service(name: ServiceName): Doc {
  const { environment, secrets } = composeServiceEnv(name);
  const dependsOn: Doc = Object.fromEntries(NATS_NODES.map((n) => [n, healthy]));
  if (SERVICE_NEEDS[name].database) dependsOn.postgres = healthy;
  if ("S3_ENDPOINT" in environment) {
    dependsOn["minio-buckets"] = { condition: "service_completed_successfully" };
  }
  return {
    build: {
      context: ".",
      dockerfile: "infra/docker/Dockerfile",
      target: "service",
      args: { SERVICE: name, GIT_REVISION: v("GIT_REVISION:-dev") },
    },
    image: `streamstack/${name}:\${STREAMSTACK_TAG:-latest}`,
    environment,
    secrets,
    depends_on: dependsOn,
    healthcheck: { test: ["CMD", "node", "/app/healthcheck.mjs"], ...every("10s", 6) },
    deploy: { replicas: SERVICE_REPLICAS },
    // Services drain NATS and finish in-flight requests on SIGTERM.
    stop_grace_period: "30s",
    restart: "unless-stopped",
  };
}

/** The nginx template's variables, for the container (names match the template header). */
export function gatewayEnv(): Record<string, string> {
  const addr = Object.fromEntries(
    GATEWAY_SERVICES.map((s) => [`${s.toUpperCase()}_ADDR`, `${s}:${servicePort(s)}`]),
  );
  const vars = {
    NGINX_USER: "nginx",
    STATE_DIR: "/var/cache/nginx",
    ERROR_LOG: "/dev/stderr",
    ACCESS_LOG: "/dev/stdout",
    HTTP_PORT: "8080",
    ...addr,
    UI_DIR: "/usr/share/nginx/html",
    MAX_UPLOAD_BYTES: v("MAX_UPLOAD_BYTES:-21474836480"),
  };
  return {
    ...vars,
    // The image's entrypoint renders /etc/nginx/templates/nginx.conf.template into
    // /etc/nginx/nginx.conf, substituting only these names (nginx's own $vars stay).
    NGINX_ENVSUBST_OUTPUT_DIR: "/etc/nginx",
    NGINX_ENVSUBST_FILTER: `^(${Object.keys(vars).join("|")})$$`, // $$: a literal $ in compose
  };
}

function gateway(): Doc {
  return {
    build: { context: ".", dockerfile: "infra/docker/Dockerfile", target: "gateway" },
    image: `streamstack/gateway:${v("STREAMSTACK_TAG:-latest")}`,
    environment: gatewayEnv(),
    ports: [`${v("HTTP_PORT:-8080")}:8080`],
    depends_on: Object.fromEntries(GATEWAY_SERVICES.map((s) => [s, healthy])),
    healthcheck: {
      test: ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/"],
      ...every("10s", 6),
    },
    restart: "unless-stopped",
  };
}

const S3_LOGIN =
  'mc alias set s3 http://minio:9000 "$$(cat /run/secrets/s3_access_key)" "$$(cat /run/secrets/s3_secret_key)"';

function infrastructure(): Doc {
  const buckets = ["media", "thumbnails"].map((b) => `s3/${b}`).join(" ");
  return {
    postgres: {
      image: IMAGES.postgres,
      environment: {
        POSTGRES_USER: "streamstack",
        POSTGRES_DB: "postgres",
        POSTGRES_PASSWORD_FILE: run("postgres_password"),
      },
      secrets: ["postgres_password"],
      volumes: [
        "postgres-data:/var/lib/postgresql/data",
        "./infra/docker/postgres-init.sql:/docker-entrypoint-initdb.d/10-databases.sql:ro",
      ],
      healthcheck: {
        test: ["CMD", "pg_isready", "-U", "streamstack", "-d", "postgres"],
        ...every("5s", 24),
      },
      restart: "unless-stopped",
    },
    ...Object.fromEntries(NATS_NODES.map((n) => [n, natsNode(n)])),
    minio: {
      image: IMAGES.minio,
      command: ["server", "/data", "--console-address", ":9001"],
      // Secret names, read from /run/secrets/ by the image's entrypoint.
      environment: {
        MINIO_ROOT_USER_FILE: "s3_access_key",
        MINIO_ROOT_PASSWORD_FILE: "s3_secret_key",
      },
      secrets: ["s3_access_key", "s3_secret_key"],
      volumes: ["minio-data:/data"],
      healthcheck: { test: ["CMD", "mc", "ready", "local"], ...every("5s", 24) },
      restart: "unless-stopped",
    },
    "minio-buckets": {
      image: IMAGES.mc,
      entrypoint: ["/bin/sh", "-c"],
      command: [`${S3_LOGIN} && mc mb --ignore-existing ${buckets}`],
      secrets: ["s3_access_key", "s3_secret_key"],
      depends_on: { minio: healthy },
      restart: "no",
    },
  };
}

function ops(): Doc {
  const profiles = ["ops"];
  return {
    "nats-surveyor": {
      image: IMAGES.surveyor,
      profiles,
      command: [
        "--servers",
        COMPOSE_ENDPOINTS.natsUrl,
        "--user",
        "sys",
        "--count",
        String(NATS_NODES.length),
        "--accounts",
        "--jsz",
        "all",
      ],
      // Read by the surveyor itself (viper: NATS_SURVEYOR_<FLAG>).
      environment: { NATS_SURVEYOR_PASSWORD: v("NATS_SYS_PASSWORD:?set NATS_SYS_PASSWORD") },
      depends_on: Object.fromEntries(NATS_NODES.map((n) => [n, healthy])),
      restart: "unless-stopped",
    },
    prometheus: {
      image: IMAGES.prometheus,
      profiles,
      command: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.retention.time=15d",
      ],
      volumes: [
        "./infra/ops/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
        "prometheus-data:/prometheus",
      ],
      ports: [`${v("PROMETHEUS_PORT:-9090")}:9090`],
      restart: "unless-stopped",
    },
    grafana: {
      image: IMAGES.grafana,
      profiles,
      environment: {
        GF_SECURITY_ADMIN_PASSWORD__FILE: run("grafana_admin_password"),
        GF_AUTH_ANONYMOUS_ENABLED: "false",
        GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: "/var/lib/grafana/dashboards/streamstack.json",
      },
      secrets: ["grafana_admin_password"],
      volumes: [
        "./infra/ops/grafana/provisioning:/etc/grafana/provisioning:ro",
        "./infra/ops/grafana/dashboards:/var/lib/grafana/dashboards:ro",
        "grafana-data:/var/lib/grafana",
      ],
      ports: [`${v("GRAFANA_PORT:-3000")}:3000`],
      depends_on: ["prometheus"],
      restart: "unless-stopped",
    },
  };
}

/** The whole compose document. */
export function composeDocument(): Doc {
  const volumes = [
    "postgres-data",
    ...NATS_NODES.map((n) => `${n}-data`),
    "minio-data",
    "prometheus-data",
    "grafana-data",
  ];
  const services: Doc = {
    ...infrastructure(),
    ...Object.fromEntries(SERVICES.map((s) => [s, service(s)])),
    gateway: gateway(),
    ...ops(),
  };
  return {
    services,
    volumes: Object.fromEntries(volumes.map((v) => [v, {}])),
    secrets: Object.fromEntries(usedSecrets(services).map((s) => [s, { file: `./secrets/${s}` }])),
  };
}

/** Secrets some service mounts, in first-use order. */
function usedSecrets(services: Doc): string[] {
  const all = Object.values(services).flatMap((s) => (s as { secrets?: string[] }).secrets ?? []);
  return [...new Set(all)];
}

export const COMPOSE_HEADER = `# GENERATED by infra/src/compose/generate.ts from infra/src/service-env.ts: do not edit.
# Regenerate with \`npm run compose -w infra\`. How to deploy: infra/docs/deploy.md.
# Secrets are files under ./secrets/, made by \`npm run compose:secrets -w infra\`;
# NATS_SYS_PASSWORD comes from the environment or .env.
`;

export function renderCompose(): string {
  return COMPOSE_HEADER + toYaml(composeDocument());
}
