import type { S3Client } from "@aws-sdk/client-s3";
import type { ProbeResult, ProcessingJob } from "@streamstack/contracts";
import { classifyToolFailure, MediaRejected } from "../domain/failure.ts";
import {
  skipsNonReferenceFrames,
  thumbnailSeekSeconds,
  thumbnailSize,
  thumbnailWindowFrames,
  thumbnailWindowSeconds,
} from "../domain/thumbnail.ts";
import {
  headObject,
  ObjectMissing,
  presignGet,
  putThumbnail,
  thumbnailKey,
} from "../storage/objects.ts";
import type { MediaBinaries } from "./binaries.ts";
import { renderThumbnail, type ThumbnailPlan } from "./ffmpeg.ts";
import { probeMedia } from "./ffprobe.ts";
import { ToolFailed } from "./tool.ts";

export interface ProcessingDeps {
  s3: S3Client;
  buckets: { media: string; thumbnails: string };
  binaries: MediaBinaries;
  toolTimeoutMs: number;
  /** ffmpeg decoder threads per run (decoderThreads); 1 when unset. */
  decoderThreads?: number | undefined;
  /** Aborted on shutdown: running tools are killed and the job goes back to the queue. */
  signal?: AbortSignal | undefined;
}

export interface Processed {
  probe: ProbeResult;
  thumbnail_key: string;
}

/** Milliseconds spent in each step of one job, filled in as the steps finish (logged). */
export type StepTimes = Record<string, number>;

/**
 * Probe + thumbnail for one job. Throws MediaRejected when the input can never
 * succeed; any other error is worth retrying. Idempotent: the same job always writes
 * the same thumbnail key.
 */
export async function processMedia(
  deps: ProcessingDeps,
  job: ProcessingJob,
  times: StepTimes = {},
): Promise<Processed> {
  const { s3, buckets } = deps;
  let mark = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    times[name] = Math.round(now - mark);
    mark = now;
  };
  // One URL per tool run, valid a little longer than the run may take.
  const url = () =>
    presignGet(s3, buckets.media, job.s3_key, Math.ceil(deps.toolTimeoutMs / 1000) + 60);
  const tool = { timeoutMs: deps.toolTimeoutMs, signal: deps.signal };

  // HeadObject only tells "missing upload" (permanent) apart from other ffprobe
  // failures: it runs alongside ffprobe, and its verdict wins when both fail.
  const [head, probed] = await Promise.allSettled([
    headObject(s3, buckets.media, job.s3_key),
    url().then((u) => classified(probeMedia(u, { path: deps.binaries.ffprobe, ...tool }))),
  ]);
  if (head.status === "rejected") {
    if (head.reason instanceof ObjectMissing) {
      throw new MediaRejected("the uploaded file does not exist in storage", {
        cause: head.reason,
      });
    }
    throw head.reason;
  }
  if (probed.status === "rejected") throw probed.reason;
  const probe = probed.value;
  step("probe");
  const plan: ThumbnailPlan = {
    seekS: thumbnailSeekSeconds(probe.result.duration_s),
    windowFrames: thumbnailWindowFrames(probe.result.fps),
    windowS: thumbnailWindowSeconds(probe.result.fps),
    size: thumbnailSize(probe.display),
    skipNonReference: skipsNonReferenceFrames(probe.result.video_codec),
    threads: deps.decoderThreads ?? 1,
  };
  const render = async (p: ThumbnailPlan) =>
    classified(renderThumbnail(await url(), p, { path: deps.binaries.ffmpeg, ...tool }));

  let jpeg = await render(plan);
  // A container that overstates its duration leaves nothing after the seek point, and a
  // stream may have no reference frame after it: once more from the start, every frame.
  if (jpeg.length === 0 && (plan.seekS > 0 || plan.skipNonReference)) {
    jpeg = await render({ ...plan, seekS: 0, skipNonReference: false });
  }
  if (jpeg.length === 0) {
    throw new MediaRejected("not a playable video: no video frame could be decoded");
  }
  step("thumbnail");

  const key = thumbnailKey(job.media_id);
  await putThumbnail(s3, buckets.thumbnails, key, jpeg);
  step("put");
  return { probe: probe.result, thumbnail_key: key };
}

/** Turns a failed tool run into MediaRejected (bad input) or a retryable Error. */
async function classified<T>(run: Promise<T>): Promise<T> {
  try {
    return await run;
  } catch (err) {
    if (!(err instanceof ToolFailed)) throw err;
    const { kind, reason } = classifyToolFailure(err.outcome);
    throw kind === "permanent"
      ? new MediaRejected(reason, { cause: err })
      : new Error(reason, { cause: err });
  }
}
