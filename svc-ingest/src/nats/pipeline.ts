import {
  collectServiceStats,
  type JetStreamManager,
  type NatsConnection,
  type PipelineConsumer,
  PipelineSnapshot,
  type PipelineStream,
} from "@streamstack/contracts/server";

/** KV buckets and object stores are streams too; operators watch the message streams. */
const isMessageStream = (name: string) => !name.startsWith("KV_") && !name.startsWith("OBJ_");

/** Streams, their consumers and the registered service instances, right now. */
export async function readPipeline(
  nc: NatsConnection,
  jsm: JetStreamManager,
): Promise<PipelineSnapshot> {
  const streams: PipelineStream[] = [];
  const consumers: PipelineConsumer[] = [];
  for await (const s of jsm.streams.list()) {
    if (!isMessageStream(s.config.name)) continue;
    streams.push({
      name: s.config.name,
      subjects: s.config.subjects ?? [],
      messages: s.state.messages,
      bytes: s.state.bytes,
      first_seq: s.state.first_seq,
      last_seq: s.state.last_seq,
      consumer_count: s.state.consumer_count,
    });
    for await (const ci of jsm.consumers.list(s.config.name)) {
      const lastActive = activeAt(ci.delivered?.last_active);
      consumers.push({
        stream: ci.stream_name,
        name: ci.name,
        num_pending: ci.num_pending,
        num_ack_pending: ci.num_ack_pending,
        num_redelivered: ci.num_redelivered,
        num_waiting: ci.num_waiting,
        last_active: lastActive,
      });
    }
  }
  streams.sort((a, b) => a.name.localeCompare(b.name));
  consumers.sort((a, b) => a.stream.localeCompare(b.stream) || a.name.localeCompare(b.name));
  return PipelineSnapshot.parse({
    streams,
    consumers,
    services: await collectServiceStats(nc),
    collected_at: new Date().toISOString(),
  });
}

/** `delivered.last_active` is an RFC 3339 time on the wire (newer servers; absent on 2.9). */
function activeAt(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) || ms <= 0 ? null : new Date(ms).toISOString();
}
