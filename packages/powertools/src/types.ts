import type { BatchProcessor } from '@aws-lambda-powertools/batch';
import type {
  BatchOnCorrupt,
  CheckpointStore,
  DecodeOptions,
  KinesisStreamUserRecord,
  KinesisTumblingWindow,
  KplLogger,
  KplMetrics,
  WindowState,
} from '@kpl-lambda/core';

/**
 * Powertools' own processor configuration: `parser` with `schema` or `innerSchema` (and
 * `transformer`), and `logger`, which this processor uses too.
 */
export type BatchProcessorConfig = NonNullable<ConstructorParameters<typeof BatchProcessor>[1]>;

/** What to do with a corrupt aggregate: core's {@link BatchOnCorrupt}. */
export type KplBatchOnCorrupt = BatchOnCorrupt;

/**
 * Options of {@link KplBatchProcessor}: Powertools' processor configuration (`parser`,
 * `schema` or `innerSchema`, `transformer`, `logger`), plus these.
 */
export type KplBatchProcessorOptions = Omit<BatchProcessorConfig, 'logger'> & {
  /**
   * Receives a warning per corrupt aggregate, and Powertools' own lines: a Powertools `Logger` or
   * `console` fits, and one that throws changes nothing the processor tells Lambda. Default:
   * warnings and errors as JSON lines on the console (core's `consoleLogger`); `false` for none.
   */
  logger?: Pick<KplLogger, 'debug' | 'warn' | 'error'> | false;
  /** What to do with a corrupt aggregate. Default `'passthrough'`. */
  onCorrupt?: KplBatchOnCorrupt;
  /**
   * Once a user record fails, report every later one without calling the handler: Lambda
   * delivers them again anyway, so their side effects would otherwise happen twice. Implies
   * sequential processing. Default `false`.
   */
  stopOnFirstFailure?: boolean;
  /**
   * Where the user records of each parent that are done are kept (`@kpl-lambda/checkpoints`):
   * user records done in an earlier delivery succeed without calling the handler, and progress is
   * recorded where Lambda will deliver again.
   */
  checkpoints?: CheckpointStore;
  /**
   * A Powertools `Metrics` (or anything with `addMetric`): per invocation, the counts of
   * `BATCH_METRIC_NAMES` of `@kpl-lambda/core` (parents, user records, aggregated share, corrupt
   * aggregates, skipped by checkpoints, failed user records, parents reported), published with
   * your own metrics.
   */
  metrics?: KplMetrics;
  /**
   * Decodes each user record's data before the record handler (and the parser) sees it:
   * decompresses it (`gzip`, `zlib`, `deflate-raw`, `zstd`) within `maxDecodedBytes`, and splits
   * an envelope (`cloudwatch-logs`, `lines`) into one record per log event or line, each with its
   * user record's identity and `innerIndex`. A user record whose data does not decode fails
   * (`KplPayloadDecodeError` in `processor.errors`) without calling the handler. Checked when
   * the processor is made (zstd needs Node.js 22.15).
   */
  decode?: DecodeOptions;
};

/**
 * The tumbling window of an invocation, as {@link KplBatchProcessor.window} gives it to a record
 * handler: core's `KinesisTumblingWindow`, with the `state` the invocation came with (without the
 * progress the processor keeps in it).
 *
 * @example
 * ```ts
 * const window: KplTumblingWindow<Record<string, number>> | undefined = processor.window;
 * if (window?.isFinalInvokeForWindow) console.log(window.window.end, window.state);
 * ```
 */
export type KplTumblingWindow<State extends object = WindowState> = Omit<
  KinesisTumblingWindow<State>,
  'state'
> & { state: State };

/**
 * Options of {@link processTumblingWindow}: Powertools' batch processing options (`context`,
 * `processInParallel`, `throwOnFullBatchFailure`), and how the results of the record handler
 * make the window's state.
 *
 * @example
 * ```ts
 * const options: TumblingWindowOptions<Record<string, number>, { key: string }> = {
 *   processInParallel: true,
 *   reduceState: (counts, { key }) => ({ ...counts, [key]: (counts[key] ?? 0) + 1 }),
 * };
 * ```
 */
export type TumblingWindowOptions<State extends object, Result> = Pick<
  NonNullable<Parameters<BatchProcessor['register']>[2]>,
  'context' | 'processInParallel' | 'throwOnFullBatchFailure'
> & {
  /**
   * Folds what the record handler returned for a user record into the state, in batch order,
   * for each user record done for good (succeeded, and not delivered again). Starts from the
   * state the invocation came with (`{}` when the window opens).
   */
  reduceState: (state: State, result: Result, record: KinesisStreamUserRecord) => State;
};
