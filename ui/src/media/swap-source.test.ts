// @vitest-environment node
import { describe, expect, it } from "vitest";
import { swapSource, type VideoLike } from "./swap-source.ts";

/** Behaves like a media element as far as the swap cares: a new src resets the state. */
class FakeVideo extends EventTarget implements VideoLike {
  currentTime = 0;
  paused = true;
  ended = false;
  playbackRate = 1;
  plays = 0;
  #src = "";
  get src() {
    return this.#src;
  }
  set src(url: string) {
    this.#src = url;
    this.currentTime = 0;
    this.paused = true;
    this.playbackRate = 1;
  }
  async play() {
    this.paused = false;
    this.plays++;
  }
  loadMetadata() {
    this.dispatchEvent(new Event("loadedmetadata"));
  }
}

describe("swapSource", () => {
  it("keeps position, speed and playing state across a new stream URL", async () => {
    const video = new FakeVideo();
    video.src = "/api/v1/stream/old";
    video.currentTime = 42.5;
    video.paused = false;
    video.playbackRate = 1.5;
    const done = swapSource(video, "/api/v1/stream/new");
    expect(video.src).toBe("/api/v1/stream/new");
    video.loadMetadata();
    await done;
    expect(video.currentTime).toBe(42.5);
    expect(video.playbackRate).toBe(1.5);
    expect(video.paused).toBe(false);
    expect(video.plays).toBe(1);
  });

  it("leaves a paused video paused", async () => {
    const video = new FakeVideo();
    video.currentTime = 10;
    const done = swapSource(video, "/api/v1/stream/new");
    video.loadMetadata();
    await done;
    expect(video.currentTime).toBe(10);
    expect(video.paused).toBe(true);
    expect(video.plays).toBe(0);
  });

  it("does not restart a video that had ended", async () => {
    const video = new FakeVideo();
    video.currentTime = 60;
    video.paused = false;
    video.ended = true;
    const done = swapSource(video, "/api/v1/stream/new");
    video.loadMetadata();
    await done;
    expect(video.plays).toBe(0);
  });
});
