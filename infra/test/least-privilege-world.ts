// The whole platform in-process on a nats-server that runs the generated permissions:
// every service connects as its own user, as `npm start` and compose run it.
import { execFile } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ffmpeg from "@ffmpeg-installer/ffmpeg";
import { AuthEnv, startAuth } from "@streamstack/auth";
import { CatalogueEnv, startCatalogue } from "@streamstack/catalogue";
import {
  connectNats,
  createLogger,
  NATS_ROLES,
  type NatsConnection,
  type NatsRole,
  renderNatsAuthConfig,
} from "@streamstack/contracts/server";
import { IngestEnv, startIngest } from "@streamstack/ingest";
import { StreamingEnv, startStreaming } from "@streamstack/streaming";
import { startThumbnailer, ThumbnailerEnv } from "@streamstack/thumbnailer";
import { startNats } from "../src/procs/nats.ts";
import { createTestDatabase, testS3 } from "../src/testing/index.ts";

export const logger = createLogger("least-privilege", process.env.TEST_LOG_LEVEL ?? "silent");
const run = promisify(execFile);

export interface World {
  natsUrl: string;
  passwords: Record<NatsRole, string>;
  admin: { email: string; password: string };
  ports: { auth: number; catalogue: number; streaming: number; ingest: number };
  /** The server log's permission violations so far. */
  violations(): Promise<string[]>;
  connectAs(role: NatsRole | undefined, password?: string): Promise<NatsConnection>;
  close(): Promise<void>;
}

/** `thumbnailer`: extra environment for the thumbnailer (e.g. a failing ffprobe). */
export async function startWorld(
  opts: { thumbnailer?: Record<string, string> } = {},
): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), "streamstack-least-privilege-"));
  const closers: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const passwords = Object.fromEntries(
      NATS_ROLES.map((r) => [r, randomBytes(18).toString("base64url")]),
    ) as Record<NatsRole, string>;
    const logFile = join(dir, "nats.log");
    const nats = await startNats({
      dataDir: join(dir, "nats"),
      port: 0,
      monitorPort: 0,
      config: renderNatsAuthConfig({ users: passwords }),
      logFile,
    });
    closers.push(() => nats.stop());
    const s3 = testS3();
    const buckets = await s3.createTestBuckets();
    const keyFile = join(dir, "jwt.pem");
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    await writeFile(keyFile, privateKey, { mode: 0o600 });
    const admin = { email: "admin@least-privilege.test", password: "admin-password-1" };
    const as = (user: NatsRole) => ({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      NATS_URL: nats.url,
      NATS_USER: user,
      NATS_PASSWORD: passwords[user],
    });
    const s3env = {
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_BUCKET_MEDIA: buckets.media,
      S3_BUCKET_THUMBNAILS: buckets.thumbnails,
    };
    const auth = await startAuth(
      AuthEnv.parse({
        ...as("auth"),
        DATABASE_URL: await createTestDatabase("lp_auth"),
        JWT_PRIVATE_KEY_FILE: keyFile,
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
      }),
      { logger },
    );
    closers.push(() => auth.close());
    const catalogue = await startCatalogue(
      CatalogueEnv.parse({ ...as("catalogue"), DATABASE_URL: await createTestDatabase("lp_cat") }),
      { logger },
    );
    closers.push(() => catalogue.close());
    const streaming = await startStreaming(StreamingEnv.parse({ ...as("streaming"), ...s3env }), {
      logger,
    });
    closers.push(() => streaming.close());
    const ingest = await startIngest(IngestEnv.parse({ ...as("ingest"), ...s3env }), { logger });
    closers.push(() => ingest.close());
    const thumbnailer = await startThumbnailer(
      ThumbnailerEnv.parse({ ...as("thumbnailer"), ...s3env, ...opts.thumbnailer }),
      { logger },
    );
    closers.push(() => thumbnailer.close());
    const connections: NatsConnection[] = [];
    closers.push(() => Promise.all(connections.map((nc) => nc.close())));
    return {
      natsUrl: nats.url,
      passwords,
      admin,
      ports: {
        auth: auth.port,
        catalogue: catalogue.port,
        streaming: streaming.port,
        ingest: ingest.port,
      },
      async violations() {
        const log = await readFile(logFile, "utf8");
        return log.split("\n").filter((l) => /violation/i.test(l));
      },
      async connectAs(role, password) {
        const nc = await connectNats(
          {
            url: nats.url,
            name: `test-${role}`,
            user: role,
            password: password ?? passwords[role!],
          },
          logger,
        );
        connections.push(nc);
        return nc;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A real H.264/AAC MP4 made now with ffmpeg's test sources. */
export async function makeMp4(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "lp-media-"));
  const out = join(dir, "clip.mp4");
  // biome-ignore format: flag pairs read best one pair per line
  await run(process.env.FFMPEG_PATH ?? ffmpeg.path, [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
    "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-movflags", "+faststart", "-shortest", out,
  ]);
  const mp4 = await readFile(out);
  await rm(dir, { recursive: true, force: true });
  return mp4;
}
