// compose.yaml and the files it mounts, checked without Docker (none on these machines):
// the committed file is the generator's output, docker-compose 1.29 accepts it, every
// service's environment parses with that service's own config schema, and the nginx,
// Postgres, Prometheus and Grafana pieces agree with the code they describe.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "@streamstack/contracts/server";
import { afterAll, describe, expect, it } from "vitest";
import { AuthEnv } from "../../svc-auth/src/config.ts";
import { CatalogueEnv } from "../../svc-catalogue/src/config.ts";
import { IngestEnv } from "../../svc-ingest/src/config.ts";
import { StreamingEnv } from "../../svc-streaming/src/config.ts";
import { ThumbnailerEnv } from "../../svc-thumbnailer/src/config.ts";
import {
  composeDocument,
  composeServiceEnv,
  gatewayEnv,
  renderCompose,
  SECRET_FILES,
} from "../src/compose/generate.ts";
import { initSecrets } from "../src/compose/secrets.ts";
import { repoRoot } from "../src/procs/s3.ts";
import { SERVICES, type ServiceName, serviceDatabases, serviceEnv } from "../src/service-env.ts";

const at = (...p: string[]) => join(repoRoot, ...p);
const composeFile = at("compose.yaml");
const tmp = mkdtempSync(join(tmpdir(), "streamstack-compose-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: compose documents are untyped trees
type Any = any;
const doc: Any = composeDocument();

function dockerCompose(file: string, args: string[], env: Record<string, string> = {}) {
  const run = spawnSync("docker-compose", ["-f", file, ...args, "config", "-q"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  if (run.error)
    throw new Error(
      `docker-compose not runnable (apt-get install docker-compose): ${run.error.message}`,
    );
  return { code: run.status, stderr: run.stderr };
}

describe("compose.yaml", () => {
  it("is exactly what the generator writes (npm run compose -w infra)", () => {
    expect(readFileSync(composeFile, "utf8")).toBe(renderCompose());
  });

  it("passes docker-compose 1.29 `config`, with and without the ops profile", () => {
    const env = { NATS_SYS_PASSWORD: "x" };
    expect(dockerCompose(composeFile, [], env)).toEqual({ code: 0, stderr: "" });
    expect(dockerCompose(composeFile, ["--profile", "ops"], env)).toEqual({ code: 0, stderr: "" });
  });

  it("is rejected by the same check when broken (the validator can fail)", () => {
    const missing = dockerCompose(composeFile, []);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/NATS_SYS_PASSWORD/);
    const broken = join(tmp, "broken.yaml");
    const text = renderCompose().replace(
      "    deploy:\n      replicas: 2",
      "    deploy:\n      replicaz: 2",
    );
    writeFileSync(broken, text);
    const bad = dockerCompose(broken, [], { NATS_SYS_PASSWORD: "x" });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/replicaz/);
  });

  it("runs two replicas of every service, each built from the one Dockerfile", () => {
    for (const s of SERVICES) {
      expect(doc.services[s].deploy).toEqual({ replicas: 2 });
      expect(doc.services[s].build).toMatchObject({
        dockerfile: "infra/docker/Dockerfile",
        target: "service",
        args: { SERVICE: s },
      });
    }
  });

  it("waits only on services that have a healthcheck (or finish, for one-shots)", () => {
    for (const [name, svc] of Object.entries<Any>(doc.services)) {
      const deps = svc.depends_on;
      if (!deps || Array.isArray(deps)) continue;
      for (const [dep, { condition }] of Object.entries<Any>(deps)) {
        const target = doc.services[dep];
        expect(target, `${name} → ${dep}`).toBeDefined();
        if (condition === "service_healthy") expect(target.healthcheck, dep).toBeDefined();
        else expect([condition, target.restart]).toEqual(["service_completed_successfully", "no"]);
      }
    }
  });

  it("declares every secret it uses, from files compose:secrets makes, and no secret value", () => {
    const used = new Set(Object.values<Any>(doc.services).flatMap((s) => s.secrets ?? []));
    expect([...used].sort()).toEqual(Object.keys(doc.secrets).sort());
    for (const s of used) expect(SECRET_FILES).toContain(s);
    const made = join(tmp, "secrets");
    expect(initSecrets(made).sort()).toEqual(
      SECRET_FILES.filter((f) => f !== "nats_auth_conf").sort(),
    );
    for (const s of used) expect(readFileSync(join(made, s), "utf8").length, s).toBeGreaterThan(8);
    const before = readFileSync(join(made, "postgres_password"), "utf8");
    expect(initSecrets(made)).toEqual([]); // a second run keeps what exists
    expect(readFileSync(join(made, "postgres_password"), "utf8")).toBe(before);
    expect(readFileSync(join(made, "jwt_private_key"), "utf8")).toMatch(
      /^-----BEGIN PRIVATE KEY-----/,
    );
    for (const [name, def] of Object.entries<Any>(doc.secrets))
      expect(def).toEqual({ file: `./secrets/${name}` });
    const text = renderCompose();
    expect(text).not.toMatch(/<secret>|PASSWORD: "[^$/]|SECRET_ACCESS_KEY: /);
  });

  it("passes each service serviceEnv's keys (secrets as *_FILE), the same table as npm start", () => {
    for (const s of SERVICES) {
      const local = Object.keys(serviceEnv(s, 1, localLike));
      const compose = Object.keys(composeServiceEnv(s).environment);
      for (const k of local)
        expect([k, `${k}_FILE`], `${s}: ${k}`).toContain(
          compose.find((c) => c === k || c === `${k}_FILE`),
        );
    }
  });

  it("gives each service an environment its own config schema accepts", () => {
    const schemas = {
      auth: AuthEnv,
      catalogue: CatalogueEnv,
      streaming: StreamingEnv,
      ingest: IngestEnv,
      thumbnailer: ThumbnailerEnv,
    } as const;
    for (const s of SERVICES) {
      const env = asContainerSees(composeServiceEnv(s).environment);
      const config = parseEnv(schemas[s], env) as Record<string, unknown>;
      expect(config.NATS_REPLICAS, s).toBe(3);
      expect(config.PORT, s).toBe(Number(env.PORT));
    }
  });
});

describe("gateway (nginx)", () => {
  const template = readFileSync(at("infra/nginx/streamstack.conf.template"), "utf8");
  const templateVars = new Set([...template.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]));

  it("sets exactly the template's variables, and the envsubst filter lets only those through", () => {
    const env = gatewayEnv();
    const { NGINX_ENVSUBST_FILTER, NGINX_ENVSUBST_OUTPUT_DIR, ...vars } = env;
    expect(new Set(Object.keys(vars))).toEqual(templateVars);
    expect(NGINX_ENVSUBST_OUTPUT_DIR).toBe("/etc/nginx");
    const filter = new RegExp(String(NGINX_ENVSUBST_FILTER).replace("$$", "$"));
    for (const v of templateVars) expect(v).toMatch(filter);
    for (const other of ["PATH", "HOME", "HOSTNAME", "NGINX_VERSION"])
      expect(other).not.toMatch(filter);
  });

  it("renders with envsubst as the nginx image does: no variable left, nginx's $vars kept", () => {
    const vars = asContainerSees(gatewayEnv());
    const names = Object.keys(vars).filter((k) => !k.startsWith("NGINX_ENVSUBST"));
    const out = execFileSync("envsubst", [names.map((n) => `\${${n}}`).join(" ")], {
      input: template,
      env: { ...vars, PATH: process.env.PATH },
      encoding: "utf8",
    });
    expect(out).not.toMatch(/\$\{/);
    expect(out).toContain("server auth:7001;");
    expect(out).toContain("root /usr/share/nginx/html;");
    expect(out).toContain("try_files $uri /index.html @ui_missing;");
    expect(out).toContain("client_max_body_size 21474836480;");
  });
});

describe("files compose mounts", () => {
  it("postgres-init.sql creates exactly the databases the services own", () => {
    const sql = readFileSync(at("infra/docker/postgres-init.sql"), "utf8");
    const created = [...sql.matchAll(/^CREATE DATABASE (\w+);/gm)].map((m) => m[1]);
    expect(created.sort()).toEqual(serviceDatabases().sort());
  });

  it("entrypoint.sh turns *_FILE secrets into values and refuses an unreadable one", () => {
    const secret = join(tmp, "s3_secret_key");
    writeFileSync(secret, "s3cr3t with spaces\n");
    const ok = spawnSync("sh", [at("infra/docker/entrypoint.sh"), "env"], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        S3_SECRET_ACCESS_KEY_FILE: secret,
        JWT_PRIVATE_KEY_FILE: "/k",
      },
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("S3_SECRET_ACCESS_KEY=s3cr3t with spaces\n");
    expect(ok.stdout).not.toContain("S3_SECRET_ACCESS_KEY_FILE");
    expect(ok.stdout).toContain("JWT_PRIVATE_KEY_FILE=/k"); // auth reads that file itself
    const bad = spawnSync("sh", [at("infra/docker/entrypoint.sh"), "env"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, PGPASSWORD_FILE: join(tmp, "absent") },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/PGPASSWORD_FILE/);
  });

  it("the Dockerfile installs every workspace's manifest and has the targets compose builds", () => {
    const dockerfile = readFileSync(at("infra/docker/Dockerfile"), "utf8");
    const workspaces: string[] = JSON.parse(readFileSync(at("package.json"), "utf8")).workspaces;
    for (const w of workspaces) expect(dockerfile).toContain(`COPY ${w}/package.json ${w}/`);
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    const targets = Object.values<Any>(doc.services).flatMap((s) => s.build?.target ?? []);
    for (const t of targets) expect(stages).toContain(t);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const serviceStage = dockerfile.slice(dockerfile.indexOf("AS service"));
    expect(serviceStage).toMatch(/^USER node$/m);
    expect(serviceStage).toMatch(/^HEALTHCHECK .*\n.*healthcheck\.mjs/m);
  });

  it("keeps host node_modules, local data and secrets out of the build context", () => {
    const ignore = readFileSync(at("infra/docker/Dockerfile.dockerignore"), "utf8").split("\n");
    for (const p of ["**/node_modules", ".data", "secrets", ".env", ".git"])
      expect(ignore).toContain(p);
  });
});

/** What a container's process sees: compose defaults applied, *_FILE read by the entrypoint. */
function asContainerSees(environment: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(environment)) {
    const v = raw.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1").replace(/\$\{[A-Z_]+:\?[^}]*\}/g, "x");
    if (k.endsWith("_FILE") && k !== "JWT_PRIVATE_KEY_FILE")
      out[k.slice(0, -5)] = "test-secret-value";
    else out[k] = v;
  }
  return out;
}

const localLike = {
  host: "127.0.0.1",
  natsUrl: "nats://127.0.0.1:4222",
  postgresUrl: "postgres://postgres@127.0.0.1:15432",
  s3: {
    endpoint: "http://127.0.0.1:9000",
    region: "us-east-1",
    accessKeyId: "a",
    secretAccessKey: "b",
  },
  jwtPrivateKeyFile: "/k",
  jwtIssuer: "streamstack",
  adminEmail: "admin@example.com",
  adminPassword: "password123",
  maxUploadBytes: 1,
  logLevel: "info",
};

export type { ServiceName };
