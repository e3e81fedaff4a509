// A StreamStack integrator: follows the catalogue's events with its own durable consumer.
//
//   NATS_URL=nats://localhost:4222 NATS_USER=integrator NATS_PASSWORD=... \
//     node --import tsx infra/examples/integrator.ts [--durable NAME] [--since ISO | --from-seq N | --new]
//
// The durable consumer lives on the server: stop and start again and it resumes after
// the last acknowledged event. A start option (--since, --from-seq, --new) replaces the
// consumer, i.e. replays from that point. Each event is validated against the platform's
// contract, printed as one JSON line on stdout ({seq, subject, event}) and acknowledged.
// See infra/docs/events.md.
import { parseArgs } from "node:util";
import { CatalogueEvent, STREAMS, SUBJECTS } from "@streamstack/contracts";
import {
  AckPolicy,
  type ConnectionOptions,
  type ConsumerConfig,
  connect,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
} from "nats";

const STREAM = STREAMS.catalogueEvents.name;

const { values: args } = parseArgs({
  options: {
    durable: { type: "string", default: "integrator-example" },
    since: { type: "string" },
    "from-seq": { type: "string" },
    new: { type: "boolean", default: false },
    subject: { type: "string", default: SUBJECTS.catalogueEvents },
    /** Exit after this many events (scripts, tests); default: follow forever. */
    max: { type: "string" },
  },
});

/** Where a (re)created consumer starts; undefined = keep the durable's position. */
function startPolicy(): Partial<ConsumerConfig> | undefined {
  if (args.since !== undefined) {
    const at = new Date(args.since);
    if (Number.isNaN(at.getTime())) fail(`--since ${args.since} is not an ISO date-time`);
    return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: at.toISOString() };
  }
  if (args["from-seq"] !== undefined) {
    const seq = Number(args["from-seq"]);
    if (!Number.isInteger(seq) || seq < 1) fail("--from-seq needs a sequence number ≥ 1");
    return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: seq };
  }
  if (args.new) return { deliver_policy: DeliverPolicy.New };
  return undefined;
}

function fail(message: string): never {
  console.error(`integrator: ${message}`);
  process.exit(2);
}

/** Creates the durable consumer, or replaces it when a start point was asked for. */
async function attach(jsm: JetStreamManager, start: Partial<ConsumerConfig> | undefined) {
  const existing = await jsm.consumers.info(STREAM, args.durable).catch(() => undefined);
  if (existing && !start) {
    console.error(
      `integrator: resuming ${args.durable} after seq ${existing.ack_floor.stream_seq}`,
    );
    return;
  }
  // A consumer's start cannot be changed in place: replaying means a new consumer.
  if (existing) await jsm.consumers.delete(STREAM, args.durable);
  await jsm.consumers.add(STREAM, {
    durable_name: args.durable,
    filter_subject: args.subject,
    ack_policy: AckPolicy.Explicit,
    ack_wait: 30_000_000_000, // 30 s in nanoseconds: time to handle one event
    max_ack_pending: 256,
    deliver_policy: DeliverPolicy.All,
    ...start,
  });
  console.error(`integrator: consumer ${args.durable} created (${start?.deliver_policy ?? "all"})`);
}

/** Your business logic goes here. It must be idempotent: delivery is at least once. */
function handle(msg: JsMsg, event: CatalogueEvent) {
  // Dedupe by event.event_id if a repeat would hurt (a redelivery after a crash, say).
  console.log(JSON.stringify({ seq: msg.seq, subject: msg.subject, event }));
}

const json = (msg: JsMsg): unknown => {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
};

async function main() {
  const max = args.max === undefined ? Number.POSITIVE_INFINITY : Number(args.max);
  const start = startPolicy();
  const options: ConnectionOptions = {
    servers: process.env.NATS_URL || "nats://127.0.0.1:4222",
    name: `integrator:${args.durable}`,
    // Without NATS_USER the connection is anonymous (a server without auth).
    ...(process.env.NATS_USER && {
      user: process.env.NATS_USER,
      pass: process.env.NATS_PASSWORD ?? "",
      // Each user may only receive replies on its own inboxes: _INBOX.<user>.>
      inboxPrefix: `_INBOX.${process.env.NATS_USER}`,
    }),
  };
  const nc = await connect(options);
  const stop = () => void nc.drain();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  await attach(await nc.jetstreamManager(), start);
  const consumer = await nc.jetstream().consumers.get(STREAM, args.durable);
  const messages = await consumer.consume();
  let seen = 0;
  for await (const msg of messages) {
    const parsed = CatalogueEvent.safeParse(json(msg));
    if (parsed.success) handle(msg, parsed.data);
    // An event this version does not know (a newer type or schema_version): skip it, but
    // acknowledge it, so it does not come back forever.
    else console.error(`integrator: skipped seq ${msg.seq} (${msg.subject}): not a known event`);
    // Wait for the server to confirm, so an exit right after loses no acknowledgement.
    await msg.ackAck();
    if (++seen >= max) break;
  }
  await nc.drain();
}

main().catch((err: unknown) => {
  console.error("integrator:", err);
  process.exit(1);
});
