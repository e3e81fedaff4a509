import type { S3Client } from "@aws-sdk/client-s3";

/**
 * Signs requests without hashing their bodies (`x-amz-content-sha256: UNSIGNED-PAYLOAD`),
 * as the SDK already does for streamed bodies (the tus path). For the multipart path's
 * 8 MiB Buffer parts the SHA-256 was a quarter of ingest's CPU per uploaded byte; TLS
 * (and S3's own part ETags) already cover integrity on the wire.
 */
export function signWithoutPayloadHash(s3: S3Client): void {
  s3.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> } | undefined;
      if (request?.headers) request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
      return next(args);
    },
    { step: "build", name: "signWithoutPayloadHash", override: true },
  );
}
