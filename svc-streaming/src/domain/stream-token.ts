import type { StreamTokenRecord } from "@streamstack/contracts";

/** 256 random bits as base64url, no padding: always 43 characters. */
export const STREAM_TOKEN_BYTES = 32;
const STREAM_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A string that could be a stream token; anything else is refused without a lookup. */
export const isStreamTokenShaped = (s: string) => STREAM_TOKEN_SHAPE.test(s);

/** The path a player fetches; nginx routes `/api/v1/stream/` here. */
export const streamUrl = (token: string) => `/api/v1/stream/${token}`;

/** Milliseconds since the epoch after which the token must not serve a byte. */
export const streamTokenExpiry = (record: Pick<StreamTokenRecord, "issued_at">, ttlMs: number) =>
  Date.parse(record.issued_at) + ttlMs;

/**
 * Strong ETag of the video behind a token. A media id's object never changes (a new
 * upload is a new id), so id + size identify the bytes without asking S3, and HEAD
 * and GET agree on it.
 */
export const mediaEtag = (record: Pick<StreamTokenRecord, "media_id" | "size_bytes">) =>
  `"${record.media_id}-${record.size_bytes.toString(16)}"`;
