import { describe, expect, it } from "vitest";
import {
  SERVICE_ENV_KEYS,
  SERVICES,
  type StackEndpoints,
  serviceDatabases,
  serviceEnv,
} from "./service-env.ts";

const at: StackEndpoints = {
  host: "127.0.0.1",
  natsUrl: "nats://127.0.0.1:4222",
  postgresUrl: "postgres://postgres@127.0.0.1:15432",
  s3: {
    endpoint: "http://127.0.0.1:9000",
    region: "us-east-1",
    accessKeyId: "K",
    secretAccessKey: "S",
  },
  jwtPrivateKeyFile: "/d/keys/jwt-private.pem",
  jwtIssuer: "streamstack",
  adminEmail: "admin@x.test",
  adminPassword: "secret-pw",
  maxUploadBytes: 123,
  logLevel: "info",
};

describe("serviceEnv", () => {
  it("gives every service the shared settings", () => {
    for (const name of SERVICES) {
      expect(serviceEnv(name, 7000, at)).toMatchObject({
        PORT: "7000",
        HOST: "127.0.0.1",
        NATS_URL: at.natsUrl,
        S3_ENDPOINT: at.s3.endpoint,
        S3_BUCKET_MEDIA: "media",
        S3_BUCKET_THUMBNAILS: "thumbnails",
        JWT_ISSUER: "streamstack",
      });
    }
  });

  it("gives a database only to its owner", () => {
    expect(serviceEnv("auth", 1, at).DATABASE_URL).toBe("postgres://postgres@127.0.0.1:15432/auth");
    expect(serviceEnv("catalogue", 1, at).DATABASE_URL).toBe(
      "postgres://postgres@127.0.0.1:15432/catalogue",
    );
    for (const name of ["streaming", "ingest", "thumbnailer"] as const) {
      expect(serviceEnv(name, 1, at).DATABASE_URL).toBeUndefined();
    }
    expect(serviceDatabases()).toEqual(["auth", "catalogue"]);
  });

  it("keeps the signing key and the admin password inside auth", () => {
    for (const name of SERVICES) {
      const env = serviceEnv(name, 1, at);
      const isAuth = name === "auth";
      expect(env.JWT_PRIVATE_KEY_FILE !== undefined).toBe(isAuth);
      expect(env.ADMIN_PASSWORD !== undefined).toBe(isAuth);
    }
  });

  it("gives each service its own NATS user when the stack has them, else none", () => {
    const natsUsers = Object.fromEntries(
      SERVICES.map((s) => [s, { user: s, password: `pw-${s}` }]),
    ) as StackEndpoints["natsUsers"];
    for (const name of SERVICES) {
      expect(serviceEnv(name, 1, { ...at, natsUsers })).toMatchObject({
        NATS_USER: name,
        NATS_PASSWORD: `pw-${name}`,
      });
      expect(serviceEnv(name, 1, at).NATS_USER).toBeUndefined();
    }
  });

  it("gives the upload limit to ingest", () => {
    expect(serviceEnv("ingest", 1, at).MAX_UPLOAD_BYTES).toBe("123");
    expect(serviceEnv("streaming", 1, at).MAX_UPLOAD_BYTES).toBeUndefined();
  });

  it("declares every key it may set", () => {
    const declared = new Set<string>(SERVICE_ENV_KEYS);
    for (const name of SERVICES) {
      const keys = Object.keys(serviceEnv(name, 1, at)).filter((k) => !k.startsWith("AWS_"));
      for (const key of keys) expect(declared).toContain(key);
    }
  });
});
