import {
  CreateBucketCommand,
  HeadBucketCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";

export interface S3Options {
  endpoint?: string | undefined;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The S3 client every service uses. Path-style addressing works on MinIO, s3rver and
 * AWS; checksums only when required, or s3rver stores the aws-chunked framing inside
 * the object and reports success (ENVIRONMENT.md).
 */
export function createS3Client(opts: S3Options): S3Client {
  return new S3Client(s3ClientConfig(opts));
}

/**
 * The settings behind `createS3Client`, for libraries that build their own client from
 * a config (e.g. `@tus/s3-store`), so they get the same mandatory options.
 */
export function s3ClientConfig(opts: S3Options): S3ClientConfig {
  return {
    endpoint: opts.endpoint,
    region: opts.region,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
  };
}

/** Creates the buckets that are missing (idempotent, safe with concurrent replicas). */
export async function ensureBuckets(s3: S3Client, names: string[]): Promise<void> {
  for (const Bucket of names) {
    try {
      await s3.send(new HeadBucketCommand({ Bucket }));
    } catch {
      try {
        await s3.send(new CreateBucketCommand({ Bucket }));
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw err;
      }
    }
  }
}
