import { createHash } from "node:crypto";

/** Namespace of the catalogue's name-based event ids (a fixed, random UUID). */
const EVENT_NAMESPACE = "3f1d6c52-9a4e-4b8e-a4f1-6a0c9d2e7b15";

/** RFC 9562 version 5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replaceAll("-", ""), "hex");
  const bytes = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The event id of a transition that happens at most once per item (created,
 * published, failed, deleted). Being derived from the item, it is the same on every
 * retry, so `Nats-Msg-Id` lets JetStream drop a republished copy. `updated` can
 * happen many times and gets a random id instead.
 */
export function transitionEventId(
  mediaId: string,
  type: "created" | "published" | "failed" | "deleted",
): string {
  return uuidV5(`media/${mediaId.toLowerCase()}/${type}`, EVENT_NAMESPACE);
}
