// How Lambda takes one batch to its end: invoke, retry from the lowest reported failure, bisect a
// failing batch when asked, give up after `maximumRetryAttempts`. The same rules whether a shard
// has one batch in flight or several (parallelization).
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { _Record } from '@aws-sdk/client-kinesis';
import type { Outcome } from './lambdaRules.js';
import type { EventSourceMappingCounters } from './types.js';

/** What taking a batch to its end needs from the mapping. */
export interface BatchDelivery {
  /** One invocation of the handler with these records. */
  invoke(records: _Record[], attempt: number): Promise<Outcome>;
  /** These records, in order, are done with (processed or given up): a checkpoint may pass them. */
  done(records: _Record[]): void;
  /** These records failed their last retry: the on-failure destination's turn. */
  giveUp(records: _Record[], attempt: number, outcome: Outcome): Promise<void>;
}

/** The retry settings of a mapping. */
export interface RetryRules {
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  counters: EventSourceMappingCounters;
}

/** Invokes the handler with a batch until it is done or given up, as Lambda retries it. */
export async function deliverBatch(
  records: _Record[],
  delivery: BatchDelivery,
  rules: RetryRules,
  stopping: AbortSignal,
): Promise<void> {
  const pending: Array<{ records: _Record[]; attempt: number }> = [{ records, attempt: 0 }];
  while (pending.length > 0) {
    const { records: batch, attempt } = pending.shift()!;
    // Each retry yields to the event loop, as Lambda's are apart in time: a handler that fails at
    // once must not starve timers (a test's timeout among them). A drain stopped meanwhile
    // delivers nothing more.
    if (attempt > 0) await yieldToEventLoop();
    stopping.throwIfAborted();
    const outcome = await delivery.invoke(batch, attempt);
    if (outcome.kind === 'success') {
      delivery.done(batch);
      continue;
    }
    let retry = batch;
    if (outcome.kind === 'partial') {
      // Checkpoint before the lowest failed record; retry from it, later successes included.
      if (outcome.firstFailed > 0) delivery.done(batch.slice(0, outcome.firstFailed));
      retry = batch.slice(outcome.firstFailed);
    }
    if (rules.maximumRetryAttempts !== -1 && attempt >= rules.maximumRetryAttempts) {
      rules.counters.batchesGivenUp++;
      await delivery.giveUp(retry, attempt, outcome);
      delivery.done(retry);
      continue;
    }
    if (outcome.kind === 'error' && rules.bisectBatchOnFunctionError && retry.length > 1) {
      const half = Math.ceil(retry.length / 2);
      rules.counters.bisections++;
      pending.unshift(
        { records: retry.slice(0, half), attempt: attempt + 1 },
        { records: retry.slice(half), attempt: attempt + 1 },
      );
    } else {
      pending.unshift({ records: retry, attempt: attempt + 1 });
    }
  }
}
