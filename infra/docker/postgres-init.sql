-- First start of the compose Postgres only (docker-entrypoint-initdb.d): one database per
-- owning service, as listed by SERVICE_NEEDS in infra/src/service-env.ts (a test keeps the
-- two in step). Services also create their database when it is missing; this file makes
-- the databases exist before the first replica starts, so two replicas never race for it.
CREATE DATABASE auth;
CREATE DATABASE catalogue;
