import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import {
  type CheckpointStore,
  doneUserRecords,
  type KinesisStreamUserRecord,
  type KplLogger,
  type KplMetrics,
  type PayloadDecoder,
} from '@kpl-lambda/core';
import {
  addBatchMetrics,
  CheckpointedBatch,
  countUserRecords,
  loggerOf,
} from '@kpl-lambda/core/internal';
import type { KinesisStreamBatchItemFailure, KinesisStreamRecord } from 'aws-lambda';
import {
  KplBatchConfigurationError,
  KplCorruptAggregateError,
  KplSkippedRecordError,
} from './errors.js';
import { type Invocation, invocations } from './invocations.js';
import { checkedOptions } from './options.js';
import { deaggregateParents, decodedInPlace, userRecordCounts } from './registeredRecords.js';
import type { KplBatchOnCorrupt, KplBatchProcessorOptions, KplTumblingWindow } from './types.js';
import { withUserRecordParser } from './userRecordParser.js';

type BatchProcessingOptions = Parameters<BatchProcessor['register']>[2];
type ProcessedRecord = Awaited<ReturnType<BatchProcessor['processRecord']>>;

/**
 * A Powertools `BatchProcessor` for Kinesis Data Streams that deaggregates KPL records: the
 * record handler receives user records (`KinesisStreamUserRecord` of `@kpl-lambda/core`), and
 * the response reports each failed user record as its parent's sequence number, once, in
 * sequence order. Everything else Powertools offers works unchanged: `processInParallel`,
 * `throwOnFullBatchFailure` (the full batch is all user records), `context`, and the parser
 * (`schema`, or `innerSchema` with a `transformer`: the record handler gets the whole user
 * record, `subSequenceNumber`, `aggregated` and `explicitHashKey` kept, with its data parsed).
 *
 * All per-invocation state lives in Powertools' own store, so one processor may serve
 * interleaved invocations wherever Powertools' processors can (Lambda Managed Instances).
 *
 * @example
 * ```ts
 * import { processPartialResponse } from '@aws-lambda-powertools/batch';
 * import { type KinesisStreamUserRecord, userRecordData } from '@kpl-lambda/core';
 * import { KplBatchProcessor } from '@kpl-lambda/powertools';
 * import type { Context, KinesisStreamEvent } from 'aws-lambda';
 *
 * const processor = new KplBatchProcessor({ onCorrupt: 'fail' });
 * const recordHandler = async (record: KinesisStreamUserRecord) => {
 *   const { sequenceNumber, subSequenceNumber } = record.kinesis;
 *   await save(`${sequenceNumber}:${subSequenceNumber}`, userRecordData(record));
 * };
 * export const handler = async (event: KinesisStreamEvent, context: Context) =>
 *   processPartialResponse(event, recordHandler, processor, { context });
 * ```
 */
export class KplBatchProcessor extends BatchProcessor {
  private readonly onCorrupt: KplBatchOnCorrupt;
  private readonly stopOnFirstFailure: boolean;
  /** The `logger` option made safe: Powertools' own lines go to it too. */
  private readonly kplLogger: KplLogger;
  private readonly checkpoints: CheckpointStore | undefined;
  private readonly metrics: KplMetrics | undefined;
  private readonly decoder: PayloadDecoder | undefined;
  /** Invocations under way with checkpoints or decoded records: see `processRecord`. */
  private statefulInvocations = 0;

  public constructor(options: KplBatchProcessorOptions = {}) {
    const { onCorrupt, stopOnFirstFailure, checkpoints, metrics, decoder, logger, config } =
      checkedOptions(options);
    // A logger that throws must not change what Lambda is told, nor fail a parse in Powertools.
    const kplLogger = loggerOf(logger);
    super(EventType.KinesisDataStreams, withUserRecordParser({ ...config, logger: kplLogger }));
    this.onCorrupt = onCorrupt;
    this.stopOnFirstFailure = stopOnFirstFailure;
    this.checkpoints = checkpoints;
    this.metrics = metrics;
    this.decoder = decoder;
    this.kplLogger = kplLogger;
  }

  /**
   * The tumbling window of the invocation being processed, when it runs through
   * {@link processTumblingWindow}: `window`, the `state` it came with, `shardId`,
   * `isFinalInvokeForWindow`, ... Undefined otherwise. A record handler reads it from here.
   *
   * @example
   * ```ts
   * const recordHandler = async (record: KinesisStreamUserRecord) => {
   *   const { window } = processor.window!; // { start, end }
   *   return { key: record.kinesis.partitionKey, at: window.start };
   * };
   * ```
   */
  public get window(): KplTumblingWindow | undefined {
    return invocations.get(this.records)?.window?.fields;
  }

  /**
   * Registers the user records of a batch of Kinesis records for processing (with `decode`, the
   * records their data decodes to, in their place). Corrupt aggregates follow `onCorrupt`; with
   * `'throw'` this throws `KplDecodeError`.
   */
  public override register(
    records: Parameters<BatchProcessor['register']>[0],
    handler: CallableFunction,
    options?: BatchProcessingOptions,
  ): this {
    let processingOptions = options;
    if (this.stopOnFirstFailure) {
      if (options?.processInParallel === true) {
        throw new KplBatchConfigurationError(
          'stopOnFirstFailure processes user records in order: remove processInParallel: true',
          { option: 'processInParallel' },
        );
      }
      processingOptions = { ...options, processInParallel: false };
    }
    const userRecords = deaggregateParents(records as KinesisStreamRecord[], this.onCorrupt);
    const invocation: Invocation = {
      parents: records as KinesisStreamRecord[],
      skippedByCheckpoints: 0,
    };
    // Counting walks every user record: only for a processor that has somewhere to put it.
    if (this.metrics !== undefined) invocation.counts = userRecordCounts(userRecords);
    const toProcess =
      this.decoder === undefined
        ? userRecords
        : decodedInPlace(userRecords, this.decoder, invocation);
    invocations.set(toProcess, invocation);
    // Powertools types Kinesis records as @types/aws-lambda does, partitionKey a string: a user
    // record may have none (a service-managed stream), as Lambda's own records may.
    return super.register(toProcess as KinesisStreamRecord[], handler, processingOptions);
  }

  /**
   * Processes the registered user records. With `checkpoints`, reads first which of them were
   * done in an earlier delivery (they succeed without the handler), and afterwards records
   * progress where Lambda will deliver again. The store failing never fails the batch.
   */
  public override async process(): ReturnType<BatchProcessor['process']> {
    const state = invocations.get(this.records);
    if (state === undefined) return super.process();
    // Inside a tumbling window progress travels with the window's state (see processTumblingWindow).
    const store = state.window?.progress ?? this.checkpoints;
    if (store !== undefined) {
      state.checkpointed = await CheckpointedBatch.load(store, state.parents, this.kplLogger);
    }
    const stateful = state.checkpointed !== undefined || state.undecodable !== undefined;
    if (stateful) this.statefulInvocations++;
    let results: Awaited<ReturnType<BatchProcessor['process']>>;
    try {
      results = await super.process();
    } finally {
      if (stateful) this.statefulInvocations--;
    }
    const parentsReported = this.collectKinesisFailures().map(
      ({ itemIdentifier }) => itemIdentifier,
    );
    // A user record decoded into several records is done when all of them are.
    await state.checkpointed?.save(
      doneUserRecords(
        this.records as KinesisStreamUserRecord[],
        this.successMessages as KinesisStreamUserRecord[],
      ),
      parentsReported,
    );
    this.addInvocationMetrics(state, parentsReported.length);
    return results;
  }

  private addInvocationMetrics(state: Invocation, parentsReported: number): void {
    if (state.counts === undefined) return;
    const counts = {
      ...state.counts,
      parentRecords: state.parents.length,
      skippedByCheckpoints: state.skippedByCheckpoints,
      failedUserRecords: countUserRecords(this.failureMessages as KinesisStreamUserRecord[]),
      parentsReported,
    };
    addBatchMetrics(this.metrics, counts, (error) =>
      this.kplLogger.warn('The metrics instance refused the KPL metrics', { error }),
    );
  }

  /**
   * Processes one user record. Corrupt aggregates in `'fail'` mode, user records whose data does
   * not decode, and user records after a failure under `stopOnFirstFailure`, are reported failed
   * without calling the handler; failures happen here rather than in `register`, whose records
   * `process()` would wipe. Not `async`: the handler's promise goes back as Powertools made it,
   * with no second promise per user record.
   */
  public override processRecord(
    record: Parameters<BatchProcessor['processRecord']>[0],
  ): Promise<ProcessedRecord> {
    const userRecord = record as KinesisStreamUserRecord;
    // Done in an earlier delivery of its parent: it succeeds, and does not run again. Looked up
    // only while an invocation has checkpoints or decoding: Powertools reads the environment at
    // every `this.records`, which would cost each user record of every batch.
    const state = this.statefulInvocations > 0 ? invocations.get(this.records) : undefined;
    if (state?.checkpointed?.isDone(userRecord)) {
      state.skippedByCheckpoints++;
      return Promise.resolve(this.successHandler(record, undefined));
    }
    const undecodable = state?.undecodable?.get(userRecord);
    if (undecodable !== undefined) return Promise.resolve(this.failureHandler(record, undecodable));
    const { deaggregationError } = userRecord.kinesis;
    if (deaggregationError !== undefined) {
      this.kplLogger.warn('Corrupt KPL aggregate', {
        ...recordKeys(userRecord),
        deaggregationError,
      });
      if (this.onCorrupt === 'fail') {
        const error = new KplCorruptAggregateError(deaggregationError, {
          reason: userRecord.kinesis.deaggregationErrorReason,
        });
        return Promise.resolve(this.failureHandler(record, error));
      }
    }
    if (this.stopOnFirstFailure && this.failureMessages.length > 0) {
      const { sequenceNumber, subSequenceNumber } = userRecord.kinesis;
      const error = new KplSkippedRecordError(sequenceNumber, subSequenceNumber);
      return Promise.resolve(this.failureHandler(record, error));
    }
    return super.processRecord(record);
  }

  public override failureHandler(
    record: Parameters<BatchProcessor['failureHandler']>[0],
    exception: Error,
  ): ReturnType<BatchProcessor['failureHandler']> {
    // The error itself (name, message, stack), not only its message; the record's keys go with
    // each call: temporary keys would be shared by records processed in parallel. Our own
    // failures (a corrupt aggregate, a record skipped after one failed) were logged or need not be.
    if (
      !(exception instanceof KplCorruptAggregateError || exception instanceof KplSkippedRecordError)
    ) {
      this.kplLogger.warn('User record failed', {
        ...recordKeys(record as KinesisStreamUserRecord),
        error: exception,
      });
    }
    return super.failureHandler(record, exception);
  }

  /**
   * The parents of the failed user records, each once, in sequence order: Lambda resumes from the
   * lowest, and every user record shares its parent's sequence number.
   */
  public override collectKinesisFailures(): KinesisStreamBatchItemFailure[] {
    // Batch order is sequence order (Lambda delivers a shard's records in order), whatever order
    // the records finished in: the first failure reported is the lowest, where Lambda resumes.
    // No sequence number is parsed, so none can make this throw.
    const failures = this.failureMessages;
    if (failures.length === 0) return [];
    const failed = new Set(failures);
    const parents = new Set<string>();
    for (const record of this.records) {
      if (failed.has(record as never)) {
        parents.add((record as KinesisStreamRecord).kinesis.sequenceNumber);
      }
    }
    return [...parents].map((itemIdentifier) => ({ itemIdentifier }));
  }
}

/** The keys that tell one user record from another in a log line. */
function recordKeys(record: KinesisStreamUserRecord) {
  return {
    sequenceNumber: record.kinesis.sequenceNumber,
    subSequenceNumber: record.kinesis.subSequenceNumber,
    shardId: record.eventID?.split(':', 1)[0],
  };
}
