/** One dispatched Server-Sent Event (https://html.spec.whatwg.org/#event-stream-interpretation). */
export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
  retry: number | undefined;
}

/**
 * Incremental `text/event-stream` parser. We read SSE with fetch() because EventSource
 * cannot send an Authorization header; this is the part of EventSource we still need.
 * Feed it decoded text in chunks of any size; it returns the events completed so far.
 */
export class SseParser {
  #buffer = "";
  #data: string[] = [];
  #event = "";
  #id: string | undefined;
  #retry: number | undefined;
  /** The last `id:` seen, for `Last-Event-ID` on reconnect (persists across events). */
  lastEventId: string | undefined;

  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    // A lone trailing "\r" might be the first half of "\r\n": keep it for the next chunk.
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (!match) break;
      if (match[0] === "\r" && match.index === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const msg = this.#line(line);
      if (msg) out.push(msg);
    }
    return out;
  }

  #line(line: string): SseMessage | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined; // comment, used as keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.#data.push(value);
        break;
      case "event":
        this.#event = value;
        break;
      case "id":
        if (!value.includes("\0")) this.#id = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.#retry = Number(value);
        break;
    }
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    if (this.#id !== undefined) this.lastEventId = this.#id;
    const hasData = this.#data.length > 0;
    const msg: SseMessage = {
      event: this.#event || "message",
      data: this.#data.join("\n"),
      id: this.#id,
      retry: this.#retry,
    };
    this.#data = [];
    this.#event = "";
    this.#id = undefined;
    this.#retry = undefined;
    return hasData ? msg : undefined;
  }
}
