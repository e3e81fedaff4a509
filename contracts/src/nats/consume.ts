import { setTimeout as sleep } from "node:timers/promises";
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from "nats";
import type { Logger } from "pino";
import type { z } from "zod";
import { isAppError } from "../errors.ts";
import { decodeJson } from "./codec.ts";
import type { ConsumerDef } from "./topology.ts";

/** Thrown by a handler for a transient failure: the message is redelivered after `delayMs`. */
export class RetryLater extends Error {
  override readonly name = "RetryLater";
  constructor(
    message: string,
    readonly delayMs = 2000,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown by a handler for input that can never succeed: the message is terminated. */
export class PoisonMessage extends Error {
  override readonly name = "PoisonMessage";
}

export type MessageHandler<T> = (data: T, msg: JsMsg) => Promise<void>;

export interface Consumption {
  /** Stops pulling and waits for in-flight handlers to finish. */
  stop(): Promise<void>;
}

/** Where consume() takes its next message from; undefined once stopped. */
interface MessageSource {
  next(): Promise<JsMsg | undefined>;
  stop(): void;
}

/** nats.js's own pull loop: it fetches ahead of the handlers, for a quick flow of events. */
async function fetchingAhead(consumer: Consumer, concurrency: number): Promise<MessageSource> {
  const messages = await consumer.consume({ max_messages: concurrency });
  const iterator = messages[Symbol.asyncIterator]();
  return {
    next: async () => {
      const { done, value } = await iterator.next();
      return done ? undefined : value;
    },
    stop: () => messages.stop(),
  };
}

/** How long one pull waits for a message before it is made again. */
const PULL_EXPIRES_MS = 10_000;

/**
 * One message per pull, pulled only when a handler is free: a message this process cannot
 * start yet stays in the stream, where an idle peer gets it, and its ack wait has not begun.
 */
function oneAtATime(consumer: Consumer, log: Logger): MessageSource {
  let stopped = false;
  let pull: ConsumerMessages | undefined;
  return {
    async next() {
      while (!stopped) {
        try {
          pull = await consumer.fetch({ max_messages: 1, expires: PULL_EXPIRES_MS });
          if (stopped) pull.stop();
          for await (const msg of pull) {
            pull.stop(); // its one message came: let go of its subscription and timer now
            return msg;
          }
        } catch (err) {
          if (stopped) break;
          log.warn({ err }, "pull failed, pulling again in 1 s");
          await sleep(1_000);
        }
      }
      return undefined;
    },
    stop() {
      stopped = true;
      pull?.stop();
    },
  };
}

/**
 * Pulls from a durable consumer and hands each validated payload to `handler`, at
 * most `concurrency` at once. Success acks; RetryLater naks with delay; PoisonMessage,
 * an invalid payload or an `invalid_request` AppError terminates; anything else naks.
 * Handlers must be idempotent: JetStream delivers at least once.
 *
 * `fetchAhead: false` is for long jobs shared by several workers: nothing is fetched before a
 * handler is free (see oneAtATime). Otherwise nats.js keeps up to `concurrency` more at hand.
 */
export async function consume<S extends z.ZodType>(
  js: JetStreamClient,
  def: ConsumerDef,
  schema: S,
  handler: MessageHandler<z.output<S>>,
  opts: {
    logger: Logger;
    concurrency?: number;
    defaultRetryMs?: number;
    fetchAhead?: boolean;
  },
): Promise<Consumption> {
  const concurrency = opts.concurrency ?? 1;
  const consumer = await js.consumers.get(def.stream, def.durable);
  const log = opts.logger.child({ consumer: def.durable });
  const messages =
    opts.fetchAhead === false
      ? oneAtATime(consumer, log)
      : await fetchingAhead(consumer, concurrency);
  const inFlight = new Set<Promise<void>>();

  const handle = async (msg: JsMsg) => {
    const started = performance.now();
    const meta = { seq: msg.seq, deliveries: msg.info.redeliveryCount, subject: msg.subject };
    try {
      const data = decodeJson(schema, msg.data, msg.subject);
      await handler(data, msg);
      msg.ack();
      log.info({ ...meta, ms: Math.round(performance.now() - started) }, "message handled");
    } catch (err) {
      if (err instanceof PoisonMessage || (isAppError(err) && err.code === "invalid_request")) {
        log.warn({ ...meta, err }, "message terminated");
        // No reason argument: nats-server 2.9 ignores "+TERM <reason>" entirely (the message
        // stays ack-pending and is redelivered); the reason is in the log line above.
        msg.term();
      } else if (err instanceof RetryLater) {
        log.warn({ ...meta, err: err.message, delay_ms: err.delayMs }, "message retried");
        msg.nak(err.delayMs);
      } else {
        log.error({ ...meta, err }, "message failed, retrying");
        msg.nak(opts.defaultRetryMs ?? 2000);
      }
    }
  };

  const loop = (async () => {
    for (;;) {
      // A free handler first, then the next message.
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const msg = await messages.next();
      if (!msg) return;
      const p = handle(msg).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  })();

  return {
    async stop() {
      messages.stop();
      await loop.catch(() => undefined);
      await Promise.allSettled(inFlight);
    },
  };
}
