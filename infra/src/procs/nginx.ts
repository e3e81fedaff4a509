import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderTemplate } from "../template.ts";
import { type Stoppable, startProcess } from "./process.ts";
import { which } from "./which.ts";

export const nginxTemplateFile = fileURLToPath(
  new URL("../../nginx/streamstack.conf.template", import.meta.url),
);

export interface GatewayUpstreams {
  auth: string;
  catalogue: string;
  streaming: string;
  ingest: string;
}

export interface NginxOptions {
  /** Rendered config, pid, temp files and logs go to <dataDir> (nothing in /etc or /var). */
  dataDir: string;
  port: number;
  /** host:port per service. */
  upstreams: GatewayUpstreams;
  /** The built UI (ui/dist); may lack index.html, then / answers a plain note. */
  uiDir: string;
  /** Bytes, or nginx size syntax ("20g"). Default 20g. */
  maxUploadBytes?: number | string;
  accessLog?: string;
  errorLog?: string;
  pidFile?: string;
}

export interface NginxServer extends Stoppable {
  url: string;
  port: number;
}

/** The template's variables for a local run; compose sets the same names in its environment. */
export function localNginxVars(options: NginxOptions): Record<string, string | number> {
  const stateDir = resolve(options.dataDir);
  return {
    // As root, workers must run as root too to read the UI and write the temp dirs we own;
    // as anyone else nginx ignores the directive (with a warning) and runs as that user.
    NGINX_USER: userInfo().username,
    STATE_DIR: stateDir,
    ERROR_LOG: options.errorLog ?? join(stateDir, "error.log"),
    ACCESS_LOG: options.accessLog ?? join(stateDir, "access.log"),
    HTTP_PORT: options.port,
    AUTH_ADDR: options.upstreams.auth,
    CATALOGUE_ADDR: options.upstreams.catalogue,
    STREAMING_ADDR: options.upstreams.streaming,
    INGEST_ADDR: options.upstreams.ingest,
    UI_DIR: resolve(options.uiDir),
    MAX_UPLOAD_BYTES: options.maxUploadBytes ?? "20g",
  };
}

export async function startNginx(options: NginxOptions): Promise<NginxServer> {
  const vars = localNginxVars(options);
  const stateDir = String(vars.STATE_DIR);
  mkdirSync(stateDir, { recursive: true });
  const confFile = join(stateDir, "streamstack.conf");
  writeFileSync(confFile, renderTemplate(readFileSync(nginxTemplateFile, "utf8"), vars));
  const port = options.port;
  const proc = await startProcess({
    name: "nginx",
    command: which("nginx"),
    // -e: the error log before the config is read (else nginx opens /var/log/nginx/error.log).
    args: ["-p", stateDir, "-c", confFile, "-e", String(vars.ERROR_LOG), "-g", "daemon off;"],
    logFile: join(stateDir, "nginx.out.log"),
    pidFile: options.pidFile ?? join(stateDir, "nginx.run.pid"),
    ready: { check: () => answers(port), timeoutMs: 10_000 },
    stopTimeoutMs: 5_000,
  });
  return { url: `http://127.0.0.1:${port}`, port, stop: proc.stop, exited: proc.exited };
}

async function answers(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
  await res.body?.cancel();
  return true;
}
