import { type SseMessage, SseParser } from "./parser.ts";

/**
 * Reads a `text/event-stream` body to its end, calling `onMessage` per event. Bytes are
 * decoded in streaming mode so a UTF-8 character split across network chunks survives.
 * Resolves when the server closes the stream; rejects on network errors or abort.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onMessage: (msg: SseMessage) => void,
  parser = new SseParser(),
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const msg of parser.push(decoder.decode(value, { stream: true }))) onMessage(msg);
    }
    // An event not ended by a blank line when the stream closes is discarded (per spec).
    for (const msg of parser.push(decoder.decode())) onMessage(msg);
  } finally {
    reader.releaseLock();
  }
}
