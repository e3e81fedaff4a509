import type { IncomingMessage, ServerResponse } from "node:http";
import { finished } from "node:stream";
import type { Server } from "@tus/server";
import { NodeRequest, sendNodeResponse } from "srvx/node";

/** How much of a request body may wait between the socket and the store. */
const BODY_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Hands a Node request to tus as `Server.handle` does, except for the body. tus reads
 * bodies as web streams, and srvx makes that one with `Readable.toWeb`, which copies
 * every chunk ("to detach it from the pool"): a second pass over each byte uploaded,
 * and a gigabyte of garbage per gigabyte. This body hands on the chunks Node read.
 */
export async function handleTus(tus: Server, req: IncomingMessage, res: ServerResponse) {
  const request = new NodeRequest({ req, res });
  if (req.method !== "GET" && req.method !== "HEAD") {
    let body: ReadableStream<Uint8Array> | undefined;
    // Made when tus first asks, as srvx's own getter does: a request tus answers without
    // reading its body is left to Node.
    Object.defineProperty(request, "body", { get: () => (body ??= webBody(req)) });
  }
  await sendNodeResponse(res, await tus.handleWeb(request));
}

/**
 * A Node readable as a web ReadableStream, without copying: reading pauses when
 * `highWaterMark` bytes wait, resumes when the reader pulls. Ends, errors and
 * cancels like `Readable.toWeb`: a cancel destroys the source.
 */
export function webBody(
  src: NodeJS.ReadableStream & { destroy(err?: Error): unknown },
  highWaterMark = BODY_HIGH_WATER_MARK,
): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        src.pause();
        src.on("data", (chunk: Buffer) => {
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) src.pause();
        });
        finished(src, (err) => {
          if (settled) return;
          settled = true;
          if (err) controller.error(err);
          else controller.close();
        });
      },
      pull() {
        src.resume();
      },
      cancel(reason) {
        settled = true;
        src.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark }),
  );
}
