import {
  CONSUMERS,
  type Consumption,
  consume,
  ProcessingResult,
  type ServiceKit,
} from "@streamstack/contracts/server";
import type { Catalogue } from "../catalogue.ts";

/**
 * Applies the thumbnailer's job outcomes. Safe to deliver twice or out of order: the
 * catalogue only moves an item out of `processing` once (see domain/lifecycle.ts).
 */
export function consumeProcessingResults(
  kit: ServiceKit,
  catalogue: Catalogue,
  concurrency: number,
): Promise<Consumption> {
  const def = CONSUMERS.processingResults;
  const log = kit.logger.child({ consumer: def.durable });
  return consume(
    kit.js,
    def,
    ProcessingResult,
    async (result) => {
      const outcome = await catalogue.applyResult(result);
      kit.metrics.messages.inc({ consumer: def.durable, outcome });
      if (outcome !== "applied") {
        log.info({ media_id: result.media_id, result: result.outcome, outcome }, "result ignored");
      }
    },
    { logger: kit.logger, concurrency },
  );
}
