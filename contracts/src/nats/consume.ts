import type { JetStreamClient, JsMsg } from "nats";
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

/**
 * Pulls from a durable consumer and hands each validated payload to `handler`, at
 * most `concurrency` at once. Success acks; RetryLater naks with delay; PoisonMessage,
 * an invalid payload or an `invalid_request` AppError terminates; anything else naks.
 * Handlers must be idempotent: JetStream delivers at least once.
 */
export async function consume<S extends z.ZodType>(
  js: JetStreamClient,
  def: ConsumerDef,
  schema: S,
  handler: MessageHandler<z.output<S>>,
  opts: { logger: Logger; concurrency?: number; defaultRetryMs?: number },
): Promise<Consumption> {
  const concurrency = opts.concurrency ?? 1;
  const consumer = await js.consumers.get(def.stream, def.durable);
  const messages = await consumer.consume({ max_messages: concurrency });
  const inFlight = new Set<Promise<void>>();
  const log = opts.logger.child({ consumer: def.durable });

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
    for await (const msg of messages) {
      const p = handle(msg).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
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
