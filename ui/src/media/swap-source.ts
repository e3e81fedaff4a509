/** The parts of a <video> element the source swap touches (a fake suffices in tests). */
export type VideoLike = Pick<
  HTMLVideoElement,
  "currentTime" | "paused" | "ended" | "src" | "playbackRate" | "play" | "addEventListener"
>;

/**
 * Points the video at a new stream URL (a fresh token for the same bytes) so the viewer
 * notices nothing: the position, the play/pause state and the speed carry over. Loading
 * a new src resets all three, so they are restored once the new metadata is in.
 */
export function swapSource(video: VideoLike, url: string): Promise<void> {
  const time = video.currentTime;
  const wasPlaying = !video.paused && !video.ended;
  const rate = video.playbackRate;
  return new Promise((resolve) => {
    video.addEventListener(
      "loadedmetadata",
      () => {
        video.currentTime = time;
        video.playbackRate = rate;
        if (wasPlaying) {
          // Autoplay rules may refuse; the controls are still there for the viewer.
          Promise.resolve(video.play()).catch(() => undefined);
        }
        resolve();
      },
      { once: true },
    );
    video.src = url;
  });
}
