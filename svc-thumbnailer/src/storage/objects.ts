import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

/** Where a media item's thumbnail lives in the thumbnails bucket. */
export function thumbnailKey(mediaId: string): string {
  return `${mediaId}.jpg`;
}

/** The uploaded object is gone (or never arrived): no retry can help. */
export class ObjectMissing extends Error {
  override readonly name = "ObjectMissing";
}

/** Storage did not answer as it should; worth another try later. */
export class StorageUnavailable extends Error {
  override readonly name = "StorageUnavailable";
}

/** Size of an uploaded object; throws ObjectMissing when it does not exist. */
export async function headObject(s3: S3Client, bucket: string, key: string): Promise<number> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.ContentLength ?? 0;
  } catch (err) {
    if (isNotFound(err)) throw new ObjectMissing(`object ${bucket}/${key} does not exist`);
    throw unavailable(`read ${bucket}/${key}`, err);
  }
}

/**
 * A GET URL ffmpeg can read with range requests. Short-lived: it only has to outlive
 * one tool run, and it grants read access to the upload.
 */
export function presignGet(s3: S3Client, bucket: string, key: string, expiresInS: number) {
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: expiresInS,
  });
}

/** Writes (or overwrites: reprocessing is idempotent) a thumbnail. */
export async function putThumbnail(s3: S3Client, bucket: string, key: string, jpeg: Buffer) {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: jpeg,
        ContentType: "image/jpeg",
        ContentLength: jpeg.length,
      }),
    );
  } catch (err) {
    throw unavailable(`write ${bucket}/${key}`, err);
  }
}

/** Deletes a thumbnail; one that is already gone is fine (S3 answers 204 either way). */
export async function deleteThumbnail(s3: S3Client, bucket: string, key: string) {
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    if (isNotFound(err)) return;
    throw unavailable(`delete ${bucket}/${key}`, err);
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
}

function unavailable(what: string, err: unknown): StorageUnavailable {
  const detail = (err as Error)?.message || (err as { name?: string })?.name || "unknown error";
  return new StorageUnavailable(`could not ${what} in storage: ${detail}`, { cause: err });
}
