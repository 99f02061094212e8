import {
  doneUserRecords,
  type KinesisStreamUserRecord,
  type KinesisTumblingWindow,
  type WindowState,
} from '@kpl-lambda/core';
import {
  assertKnownOptions,
  assertTypeOf,
  isKinesisWindowEvent,
  optionNames,
  WindowProgress,
} from '@kpl-lambda/core/internal';
import type { Context, KinesisStreamBatchItemFailure, KinesisStreamEvent } from 'aws-lambda';
import { KplBatchConfigurationError } from './errors.js';
import { invocations } from './invocations.js';
import type { KplBatchProcessor } from './KplBatchProcessor.js';
import type { KplTumblingWindow, TumblingWindowOptions } from './types.js';

const TUMBLING_WINDOW_OPTIONS = optionNames<TumblingWindowOptions<object, unknown>>({
  context: true,
  processInParallel: true,
  throwOnFullBatchFailure: true,
  reduceState: true,
});

/** One processed record as Powertools' `process()` gives it: status, result, record. */
type Processed = [status: string, result: unknown, record: unknown];

/**
 * `processPartialResponse` for a Kinesis event inside a tumbling window
 * (`TumblingWindowInSeconds`): processes the user records with a {@link KplBatchProcessor} as
 * `processPartialResponse` does, and answers Lambda with the window's `state` beside
 * `batchItemFailures`. The state is `reduceState` folded, in batch order, over the results the
 * record handler returned for the user records done for good (with `decode`, for each record of
 * a user record all of whose records succeeded); the record handler reads the window from
 * `processor.window`.
 *
 * Lambda keeps the state of a partial batch response and delivers the failed parents again:
 * the processor keeps which of their user records are done inside the state (the record handler
 * never sees it), so they succeed on the retry without running again, and their results, folded
 * once already, are not folded twice. A failed invocation (every record failed, a
 * `reduceState` that throws) is retried with the state it was given.
 *
 * @example
 * ```ts
 * import { type KinesisTumblingWindow, type KinesisStreamUserRecord, userRecordJson } from '@kpl-lambda/core';
 * import { KplBatchProcessor, processTumblingWindow } from '@kpl-lambda/powertools';
 * import type { Context, KinesisStreamEvent } from 'aws-lambda';
 *
 * type Totals = Record<string, number>;
 * const processor = new KplBatchProcessor();
 * const recordHandler = async (record: KinesisStreamUserRecord) =>
 *   userRecordJson(record) as { user: string; amount: number };
 *
 * export const handler = async (
 *   event: KinesisStreamEvent & KinesisTumblingWindow<Totals>,
 *   context: Context,
 * ) => {
 *   const response = await processTumblingWindow(event, recordHandler, processor, {
 *     context,
 *     reduceState: (totals: Totals, sale) => ({
 *       ...totals,
 *       [sale.user]: (totals[sale.user] ?? 0) + sale.amount,
 *     }),
 *   });
 *   if (event.isFinalInvokeForWindow) console.log(event.window, response.state);
 *   return response;
 * };
 * ```
 */
export async function processTumblingWindow<State extends object, Result>(
  event: KinesisStreamEvent & KinesisTumblingWindow<State>,
  recordHandler: (record: KinesisStreamUserRecord, context?: Context) => Result | Promise<Result>,
  processor: KplBatchProcessor,
  options: TumblingWindowOptions<State, Result>,
): Promise<{ state: State; batchItemFailures: KinesisStreamBatchItemFailure[] }> {
  const E = (option: string, message: string) =>
    new KplBatchConfigurationError(message, { option });
  assertKnownOptions(options, TUMBLING_WINDOW_OPTIONS, E);
  const { reduceState, ...processingOptions } = options;
  if (typeof reduceState !== 'function') {
    throw E('reduceState', 'reduceState must be a function that folds a result into the state');
  }
  assertTypeOf('context', options.context, 'object', E);
  if (!isKinesisWindowEvent(event)) {
    throw E('event', 'processTumblingWindow needs a Kinesis event inside a tumbling window');
  }
  const { progress, handlerState } = WindowProgress.fromState(event.state);
  processor.register(event.Records, recordHandler, processingOptions);
  const invocation = invocations.get(processor.records)!;
  invocation.window = {
    fields: { ...event, state: handlerState } as KplTumblingWindow<WindowState>,
    progress,
  };
  const processed = (await processor.process()) as Processed[];

  // With `decode`, a user record's records fold only once all of them succeeded: one that partly
  // failed runs again whole, and its results fold then, once.
  const done = new Set(
    doneUserRecords(
      processor.records as KinesisStreamUserRecord[],
      processor.successMessages as KinesisStreamUserRecord[],
    ),
  );
  let state = handlerState as State;
  for (const [, result, record] of processed) {
    const userRecord = record as KinesisStreamUserRecord;
    // Done in an earlier invocation of the window: its result is in the state already.
    if (!done.has(userRecord) || invocation.checkpointed?.isDone(userRecord)) continue;
    state = reduceState(state, result as Result, userRecord);
  }
  const { batchItemFailures } = processor.response() as {
    batchItemFailures: KinesisStreamBatchItemFailure[];
  };
  return { state: progress.stateWith(state as WindowState) as State, batchItemFailures };
}
