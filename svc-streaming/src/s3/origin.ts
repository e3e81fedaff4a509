import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { AppError } from "@streamstack/contracts/server";
import { LRUCache } from "lru-cache";

/**
 * Work a client can walk away from: the origin hangs the S3 request's cancel here.
 * Cheaper than an AbortController per range request, measurably.
 */
export interface Cancellable {
  cancelled: boolean;
  onCancel: (() => void) | undefined;
}

export interface OriginGet {
  /** An absolute `bytes=a-b` range (the local S3 server mishandles suffix ranges). */
  range?: string;
  ifNoneMatch?: string;
  /** Cancelling destroys the S3 request, whether it is waiting or streaming. */
  cancellation: Cancellable;
}

export interface S3Origin {
  /** One GET of an object; resolves with the response head, the body unread. */
  get(bucket: string, key: string, req: OriginGet): Promise<IncomingMessage>;
  /** Drops the signed URL of an object S3 refused, so the next request signs anew. */
  forget(bucket: string, key: string): void;
  close(): void;
}

interface SignedTarget {
  send: typeof http.request;
  options: http.RequestOptions;
}

/**
 * The cheap path to S3 bytes. The SDK's GetObject costs a signature, a middleware
 * stack and a web-stream conversion per request; here an object's presigned URL is
 * computed once and reused for half its lifetime, and each range is a plain
 * `http.request` on a keep-alive agent whose response is a Node stream the edge pipes
 * straight to the client. `Range` and `If-None-Match` are unsigned headers, which S3,
 * MinIO and s3rver accept on a presigned GET.
 */
export function createS3Origin(
  s3: S3Client,
  opts: { maxSockets: number; signedUrlTtlS?: number; maxObjects?: number },
): S3Origin {
  const ttlS = opts.signedUrlTtlS ?? 3600;
  const agentOptions = {
    keepAlive: true,
    maxSockets: opts.maxSockets,
    maxFreeSockets: opts.maxSockets,
    scheduling: "lifo" as const,
  };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  // Renewed at half-life, so a URL handed to S3 always has minutes of validity left.
  const signed = new LRUCache<string, SignedTarget>({
    max: opts.maxObjects ?? 10_000,
    ttl: (ttlS * 1000) / 2,
  });
  const signing = new Map<string, Promise<SignedTarget>>();

  async function sign(bucket: string, key: string): Promise<SignedTarget> {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: ttlS,
      }),
    );
    const secure = url.protocol === "https:";
    return {
      send: secure ? https.request : http.request,
      options: {
        agent: secure ? agents.https : agents.http,
        hostname: url.hostname,
        port: url.port || (secure ? 443 : 80),
        path: url.pathname + url.search,
        method: "GET",
      },
    };
  }

  function target(bucket: string, key: string): SignedTarget | Promise<SignedTarget> {
    const id = `${bucket}/${key}`;
    const hit = signed.get(id);
    if (hit) return hit;
    let pending = signing.get(id);
    if (!pending) {
      pending = sign(bucket, key)
        .then((t) => {
          signed.set(id, t);
          return t;
        })
        .finally(() => signing.delete(id));
      signing.set(id, pending);
    }
    return pending;
  }

  function send(t: SignedTarget, req: OriginGet): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const { cancellation } = req;
      if (cancellation.cancelled) return reject(new Error("cancelled before the S3 request"));
      const headers: http.OutgoingHttpHeaders = {};
      if (req.range) headers.range = req.range;
      if (req.ifNoneMatch) headers["if-none-match"] = req.ifNoneMatch;
      const out = t.send({ ...t.options, headers }, resolve);
      // Destroying the request also destroys its response and that S3 connection.
      cancellation.onCancel = () => out.destroy();
      out.once("error", (err) =>
        reject(
          cancellation.cancelled
            ? err
            : new AppError("unavailable", "object storage is unreachable", undefined, {
                cause: err,
              }),
        ),
      );
      out.end();
    });
  }

  return {
    async get(bucket, key, req) {
      return send(await target(bucket, key), req);
    },
    forget(bucket, key) {
      signed.delete(`${bucket}/${key}`);
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
