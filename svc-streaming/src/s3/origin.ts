import http from "node:http";
import https from "node:https";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { AppError } from "@streamstack/contracts/server";
import { LRUCache } from "lru-cache";
import { createOriginConnections } from "./connections.ts";
import { type Cancellable, nodeOriginResponse, type OriginResponse } from "./response.ts";

export type { Cancellable, OriginResponse };

export interface OriginGet {
  /** An absolute `bytes=a-b` range (the local S3 server mishandles suffix ranges). */
  range?: string;
  ifNoneMatch?: string;
  /** Cancelling destroys the S3 request, whether it is waiting or streaming. */
  cancellation: Cancellable;
}

export interface S3Origin {
  /** One GET of an object; resolves with the response head, the body unread. */
  get(bucket: string, key: string, req: OriginGet): Promise<OriginResponse>;
  /** Drops the signed URL of an object S3 refused, so the next request signs anew. */
  forget(bucket: string, key: string): void;
  close(): void;
}

interface SignedTarget {
  url: URL;
  /** Path and presigned query, as sent on the request line. */
  path: string;
}

/**
 * The cheap path to S3 bytes. The SDK's GetObject costs a signature, a middleware
 * stack and a web-stream conversion per request; here an object's presigned URL is
 * computed once and reused for half its lifetime, and each range is one request on a
 * kept connection whose bytes go to the client as they were read (`connections.ts`).
 * `Range` and `If-None-Match` are unsigned headers, which S3, MinIO and s3rver accept
 * on a presigned GET. HTTPS endpoints (and `raw: false`) use node:https instead.
 */
export function createS3Origin(
  s3: S3Client,
  opts: { maxSockets: number; signedUrlTtlS?: number; maxObjects?: number; raw?: boolean },
): S3Origin {
  const ttlS = opts.signedUrlTtlS ?? 3600;
  const agentOptions = {
    keepAlive: true,
    maxFreeSockets: opts.maxSockets,
    scheduling: "lifo" as const,
  };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const pools = new Map<string, ReturnType<typeof createOriginConnections>>();
  // Renewed at half-life, so a URL handed to S3 always has minutes of validity left.
  const signed = new LRUCache<string, SignedTarget>({
    max: opts.maxObjects ?? 10_000,
    ttl: (ttlS * 1000) / 2,
  });
  const signing = new Map<string, Promise<SignedTarget>>();

  async function sign(bucket: string, key: string): Promise<SignedTarget> {
    const command = new GetObjectCommand({ Bucket: bucket, Key: key });
    const url = new URL(await getSignedUrl(s3, command, { expiresIn: ttlS }));
    return { url, path: url.pathname + url.search };
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

  function rawGet(t: SignedTarget, req: OriginGet): Promise<OriginResponse> {
    let pool = pools.get(t.url.host);
    if (!pool) {
      pool = createOriginConnections({
        host: t.url.hostname,
        port: Number(t.url.port || 80),
        maxIdle: opts.maxSockets,
      });
      pools.set(t.url.host, pool);
    }
    const headers: [string, string][] = [];
    if (req.range) headers.push(["Range", req.range]);
    if (req.ifNoneMatch) headers.push(["If-None-Match", req.ifNoneMatch]);
    return pool.get(t.path, headers, req.cancellation);
  }

  function nodeGet(t: SignedTarget, req: OriginGet): Promise<OriginResponse> {
    return new Promise((resolve, reject) => {
      const secure = t.url.protocol === "https:";
      const headers: http.OutgoingHttpHeaders = {};
      if (req.range) headers.range = req.range;
      if (req.ifNoneMatch) headers["if-none-match"] = req.ifNoneMatch;
      const out = (secure ? https : http).request(
        t.url,
        { agent: secure ? agents.https : agents.http, headers },
        (msg) => resolve(nodeOriginResponse(msg)),
      );
      req.cancellation.onCancel = () => out.destroy();
      out.once("error", reject);
      out.end();
    });
  }

  return {
    async get(bucket, key, req) {
      const t = await target(bucket, key);
      const raw = opts.raw !== false && t.url.protocol === "http:";
      try {
        return await (raw ? rawGet(t, req) : nodeGet(t, req));
      } catch (err) {
        if (req.cancellation.cancelled) throw err;
        throw new AppError("unavailable", "object storage is unreachable", undefined, {
          cause: err,
        });
      }
    },
    forget(bucket, key) {
      signed.delete(`${bucket}/${key}`);
    },
    close() {
      for (const pool of pools.values()) pool.close();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
