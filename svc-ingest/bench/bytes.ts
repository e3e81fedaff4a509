import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";

const CHUNK = 1024 * 1024;
/** A minimal ISO BMFF `ftyp` box: enough for ingest's container sniffer. */
const FTYP = Buffer.from("00000018667479706973666d0000020069736f6d6d703431", "hex");

/**
 * `size` bytes made on the fly (nothing on disk, 1 MiB in memory): an `ftyp` box, then
 * one random 1 MiB block over and over. The same call always yields the same bytes.
 */
export function videoBytes(size: number): Readable {
  const block = randomBytes(CHUNK);
  FTYP.copy(block, 0);
  let sent = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (sent >= size) return void this.push(null);
      const n = Math.min(CHUNK, size - sent);
      // A fresh view each time: the consumer may hold on to chunks it was given.
      this.push(Buffer.from(block.subarray(0, n)));
      sent += n;
    },
  });
}
