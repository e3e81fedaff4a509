import type { CatalogueEvent, MediaItem } from "@streamstack/contracts";

/** A text/event-stream response the test writes to, like the catalogue's SSE edge. */
export function fakeEventStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const encoder = new TextEncoder();
  let seq = 0;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(encoder.encode(": connected\n\n"));
    },
  });
  return {
    response: () =>
      new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }),
    send(type: Exclude<CatalogueEvent["type"], "media.deleted">, item: MediaItem) {
      seq++;
      const event = {
        event_id: crypto.randomUUID(),
        type,
        schema_version: 1,
        occurred_at: new Date().toISOString(),
        media: item,
      };
      controller.enqueue(
        encoder.encode(`id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n`),
      );
    },
    close: () => controller.close(),
  };
}
