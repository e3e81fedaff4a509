/** A Server-Sent Events reader as the UI has one: fetch() with an Authorization header. */
export interface SseFrame {
  comment?: string;
  event?: string;
  id?: string;
  data?: string;
}

export async function openSse(url: string, headers: Record<string, string>) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const frames: SseFrame[] = [];

  const parse = (raw: string): SseFrame => {
    const frame: SseFrame = {};
    for (const line of raw.split("\n")) {
      if (line.startsWith(":")) frame.comment = line.slice(1).trim();
      const m = /^(event|id|data): ?(.*)$/.exec(line);
      if (m) frame[m[1] as "event" | "id" | "data"] = m[2];
    }
    return frame;
  };

  return {
    res,
    frames,
    /** Reads until a frame matches; resolves undefined if the stream ends first. */
    async until(match: (f: SseFrame) => boolean): Promise<SseFrame | undefined> {
      for (;;) {
        const cut = buffer.indexOf("\n\n");
        if (cut >= 0) {
          const frame = parse(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          frames.push(frame);
          if (match(frame)) return frame;
          continue;
        }
        const chunk = await reader?.read().catch(() => ({ done: true as const, value: undefined }));
        if (!chunk || chunk.done) return undefined;
        buffer += chunk.value;
      }
    },
    close: () => abort.abort(),
  };
}
