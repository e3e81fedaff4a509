import { BaseEnv, DatabaseEnv } from "@streamstack/contracts/server";
import { z } from "zod";

/** "true"/"false"/"1"/"0"/"yes"/"no" from the environment (z.coerce.boolean treats "false" as true). */
const Flag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** An empty variable (`KEY=` in an env file or compose) means "not set". */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const Seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Loopback and private ranges: where the gateway lives locally and in compose. */
const DEFAULT_TRUSTED_PROXIES =
  "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";

export const AuthEnv = BaseEnv.extend(DatabaseEnv.shape)
  .extend({
    /** RSA private key as PEM (PKCS#8 or PKCS#1); `\n` escapes are accepted. */
    JWT_PRIVATE_KEY: unsetIfEmpty(z.string()),
    /** Path to a PEM file holding the RSA private key (used when JWT_PRIVATE_KEY is unset). */
    JWT_PRIVATE_KEY_FILE: unsetIfEmpty(z.string()),
    ACCESS_TOKEN_TTL_S: Seconds(60, 24 * 3600).default(1800),
    REFRESH_TOKEN_TTL_S: Seconds(300, 90 * 24 * 3600).default(604800),
    REGISTRATION_ENABLED: Flag.default(true),
    ADMIN_EMAIL: unsetIfEmpty(
      z
        .string()
        .trim()
        .pipe(z.email())
        .transform((e) => e.toLowerCase()),
    ),
    ADMIN_PASSWORD: unsetIfEmpty(z.string().min(8).max(256)),
    LOGIN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).default(5),
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
    LOGIN_FAILURE_WINDOW_S: Seconds(1, 24 * 3600).default(900),
    /** Peers (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed. */
    TRUSTED_PROXIES: z.string().default(DEFAULT_TRUSTED_PROXIES),
  })
  .superRefine((env, ctx) => {
    if (!env.JWT_PRIVATE_KEY && !env.JWT_PRIVATE_KEY_FILE) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_PRIVATE_KEY"],
        message:
          "no signing key: set JWT_PRIVATE_KEY (an RSA private key as PEM) or " +
          "JWT_PRIVATE_KEY_FILE (a path to one); `npm start` generates one under .data/",
      });
    }
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: "custom",
        path: ["ADMIN_PASSWORD"],
        message: "set ADMIN_EMAIL and ADMIN_PASSWORD together (or neither)",
      });
    }
  });

export type AuthConfig = z.output<typeof AuthEnv>;
