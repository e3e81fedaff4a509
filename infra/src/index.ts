// @streamstack/infra: local servers for `npm start` and for tests.
export { type NatsOptions, type NatsServer, startNats } from "./procs/nats.ts";
export {
  type GatewayUpstreams,
  type NginxOptions,
  type NginxServer,
  nginxTemplateFile,
  startNginx,
} from "./procs/nginx.ts";
export { assertPortsFree, freePort, isPortFree, PortInUseError } from "./procs/ports.ts";
export {
  createDatabase,
  findPostgresBin,
  type PostgresOptions,
  type PostgresServer,
  startPostgres,
} from "./procs/postgres.ts";
export {
  type ExitStatus,
  ProcessStartError,
  type ServerProcess,
  type StartProcessOptions,
  type Stoppable,
  startProcess,
  tailFile,
} from "./procs/process.ts";
export { AlreadyRunningError, killStale, killStaleIn } from "./procs/reaper.ts";
export { type S3Info, type S3Options, type S3Server, startS3 } from "./procs/s3.ts";
export {
  SERVICE_NEEDS,
  SERVICES,
  type ServiceName,
  type StackEndpoints,
  serviceEnv,
} from "./service-env.ts";
export { renderTemplate } from "./template.ts";
export * from "./testing/index.ts";
