// The reference point of issue 3: a straightforward edge (Hono + the SDK's GetObject +
// web-stream conversion), run beside the real one so the benchmark compares both under
// the same conditions. It skips the token lookup, which only flatters it. Not a service.
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { serve } from "@hono/node-server";
import { createS3Client } from "@streamstack/contracts/server";
import { Hono } from "hono";

const env = process.env;
const s3 = createS3Client({
  endpoint: env.S3_ENDPOINT,
  region: "us-east-1",
  accessKeyId: env.S3_ACCESS_KEY_ID ?? "",
  secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? "",
});
const app = new Hono();
app.get("/healthz", (c) => c.text("ok"));
app.get("/naive/:key", async (c) => {
  const range = c.req.header("range");
  const out = await s3.send(
    new GetObjectCommand({ Bucket: env.S3_BUCKET_MEDIA, Key: c.req.param("key"), Range: range }),
  );
  const headers = new Headers({
    "accept-ranges": "bytes",
    "content-type": "video/mp4",
    "content-length": String(out.ContentLength ?? 0),
  });
  if (out.ContentRange) headers.set("content-range", out.ContentRange);
  const body = out.Body?.transformToWebStream() ?? null;
  return new Response(body, { status: range ? 206 : 200, headers });
});
serve({ fetch: app.fetch, hostname: "127.0.0.1", port: Number(env.PORT) });
