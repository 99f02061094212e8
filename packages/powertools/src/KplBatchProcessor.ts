import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import { deaggregateRecords, type KinesisStreamUserRecord } from '@kpl-lambda/core';
import type { KinesisStreamBatchItemFailure, KinesisStreamRecord } from 'aws-lambda';
import {
  KplBatchConfigurationError,
  KplCorruptAggregateError,
  KplSkippedRecordError,
} from './errors.js';
import type { BatchProcessorConfig, KplBatchOnCorrupt, KplBatchProcessorOptions } from './types.js';

type BatchProcessingOptions = Parameters<BatchProcessor['register']>[2];
type ProcessedRecord = Awaited<ReturnType<BatchProcessor['processRecord']>>;

/**
 * A Powertools `BatchProcessor` for Kinesis Data Streams that deaggregates KPL records: the
 * record handler receives user records (`KinesisStreamUserRecord` of `@kpl-lambda/core`), and
 * the response reports each failed user record as its parent's sequence number, once, in
 * sequence order. Everything else Powertools offers works unchanged: `processInParallel`,
 * `throwOnFullBatchFailure` (the full batch is all user records), `context`, and the parser
 * (`schema`, or `innerSchema` with a `transformer`, which is applied to a user record schema that
 * keeps `subSequenceNumber`, `aggregated` and `explicitHashKey`).
 *
 * All per-invocation state lives in Powertools' own store, so one processor may serve
 * interleaved invocations wherever Powertools' processors can (Lambda Managed Instances).
 *
 * @example
 * ```ts
 * import { processPartialResponse } from '@aws-lambda-powertools/batch';
 * import type { KinesisStreamUserRecord } from '@kpl-lambda/core';
 * import { KplBatchProcessor } from '@kpl-lambda/powertools';
 * import type { Context, KinesisStreamEvent } from 'aws-lambda';
 *
 * const processor = new KplBatchProcessor({ onCorrupt: 'fail' });
 * const recordHandler = async (record: KinesisStreamUserRecord) => {
 *   const { sequenceNumber, subSequenceNumber, data } = record.kinesis;
 *   await save(`${sequenceNumber}:${subSequenceNumber}`, Buffer.from(data, 'base64'));
 * };
 * export const handler = async (event: KinesisStreamEvent, context: Context) =>
 *   processPartialResponse(event, recordHandler, processor, { context });
 * ```
 */
export class KplBatchProcessor extends BatchProcessor {
  private readonly onCorrupt: KplBatchOnCorrupt;
  private readonly stopOnFirstFailure: boolean;
  private readonly kplLogger: BatchProcessorConfig['logger'];

  public constructor(options: KplBatchProcessorOptions = {}) {
    const { onCorrupt = 'passthrough', stopOnFirstFailure = false, ...config } = options;
    super(EventType.KinesisDataStreams, withUserRecordParser(config as BatchProcessorConfig));
    this.onCorrupt = onCorrupt;
    this.stopOnFirstFailure = stopOnFirstFailure;
    this.kplLogger = config.logger;
  }

  /**
   * Registers the user records of a batch of Kinesis records for processing. Corrupt aggregates
   * follow `onCorrupt`; with `'throw'` this throws `KplDecodeError`.
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
        );
      }
      processingOptions = { ...options, processInParallel: false };
    }
    const userRecords = deaggregateRecords(records as KinesisStreamRecord[], {
      onCorrupt: this.onCorrupt === 'throw' ? 'throw' : 'passthrough',
    });
    return super.register(userRecords, handler, processingOptions);
  }

  /**
   * Processes one user record. Corrupt aggregates in `'fail'` mode, and user records after a
   * failure under `stopOnFirstFailure`, are reported failed without calling the handler; failures
   * happen here rather than in `register`, whose records `process()` would wipe.
   */
  public override async processRecord(
    record: Parameters<BatchProcessor['processRecord']>[0],
  ): Promise<ProcessedRecord> {
    const userRecord = record as KinesisStreamUserRecord;
    const { deaggregationError } = userRecord.kinesis;
    if (deaggregationError !== undefined) {
      this.kplLogger?.warn('Corrupt KPL aggregate', {
        ...recordKeys(userRecord),
        deaggregationError,
      });
      if (this.onCorrupt === 'fail') {
        return this.failureHandler(record, new KplCorruptAggregateError(deaggregationError));
      }
    }
    if (this.stopOnFirstFailure && this.failureMessages.length > 0) {
      const { sequenceNumber, subSequenceNumber } = userRecord.kinesis;
      return this.failureHandler(
        record,
        new KplSkippedRecordError(sequenceNumber, subSequenceNumber),
      );
    }
    const processed = await super.processRecord(record);
    if (processed[0] === 'fail') {
      // Keys go with each call: temporary keys would be shared by records processed in parallel.
      this.kplLogger?.warn('User record failed', {
        ...recordKeys(userRecord),
        error: processed[1],
      });
    }
    return processed;
  }

  /**
   * The parents of the failed user records, each once, in sequence order: Lambda resumes from the
   * lowest, and every user record shares its parent's sequence number.
   */
  public override collectKinesisFailures(): KinesisStreamBatchItemFailure[] {
    const parents = new Set<string>();
    for (const record of this.failureMessages) {
      parents.add((record as KinesisStreamRecord).kinesis.sequenceNumber);
    }
    // Sequence numbers have up to 129 digits: compare them as integers, never as Numbers.
    return [...parents]
      .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
      .map((itemIdentifier) => ({ itemIdentifier }));
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

/**
 * Powertools extends an `innerSchema` from its stock Kinesis record schema, whose Zod objects
 * strip the fields a user record adds. This hands the configured parser a schema extended from the
 * user record schema instead, built once, on first use.
 */
function withUserRecordParser(config: BatchProcessorConfig): BatchProcessorConfig {
  const { parser, innerSchema, transformer, logger } = config;
  if (parser === undefined || innerSchema === undefined) return config;
  let schema: ReturnType<
    typeof import('./schemas/userRecordSchemaWith.js')['userRecordSchemaWith']
  >;
  return {
    parser: async (record, eventType, parserLogger) => {
      schema ??= import('./schemas/userRecordSchemaWith.js').then((module) =>
        module.userRecordSchemaWith(innerSchema, transformer),
      );
      return parser(record, eventType, parserLogger, {
        parser,
        schema: await schema,
        ...(logger ? { logger } : {}),
      });
    },
    innerSchema,
    ...(transformer ? { transformer } : {}),
    ...(logger ? { logger } : {}),
  };
}
