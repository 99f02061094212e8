/**
 * Builders of realistic Lambda Kinesis events, for tests of handlers that read KPL-aggregated
 * streams. Import from `@kpl-lambda/core/testing`.
 *
 * @example
 * ```ts
 * import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
 * const event = kinesisStreamEvent([
 *   aggregatedRecord([
 *     { partitionKey: 'user-1', data: '{"n":1}' },
 *     { partitionKey: 'user-2', data: '{"n":2}' },
 *   ]),
 *   plainRecord({ partitionKey: 'user-3', data: '{"n":3}' }),
 * ]);
 * await handler(event, context);
 * ```
 */
import { Buffer } from 'node:buffer';
import type { KinesisStreamEvent } from 'aws-lambda';
import { RecordAggregator } from '../aggregation/RecordAggregator.js';
import { MAX_KINESIS_RECORD_BYTES } from '../constants.js';
import { KplConfigurationError } from '../errors.js';
import { assertKnownOptions, optionNames } from '../options.js';
import type { UserRecordInput } from '../types.js';
import { corruptAggregateBytes } from './corrupt.js';
import { lambdaKinesisRecord } from './lambdaShapes.js';

export { type CloudWatchLogsDataOptions, cloudWatchLogsData } from './cloudWatchLogs.js';
export {
  type LambdaContextOptions,
  type LambdaKinesisRecordSpec,
  lambdaContext,
  lambdaKinesisRecord,
} from './lambdaShapes.js';

/** How one Kinesis record of a test event is made. Build it with the helpers below. */
export interface ParentRecordSpec {
  /** The Kinesis record's data. */
  data: Uint8Array;
  /**
   * The Kinesis record's partition key. `null` for a record written without one to a
   * service-managed stream, as Lambda delivers it; left out, the event's record has no such field.
   */
  partitionKey?: string | null;
  /** Its sequence number; the event generates increasing ones when absent. */
  sequenceNumber?: string;
  /** Its arrival time in epoch seconds; default: now. */
  approximateArrivalTimestamp?: number;
}

/** Options of {@link aggregatedRecord}. */
export interface AggregatedRecordOptions {
  sequenceNumber?: string;
  approximateArrivalTimestamp?: number;
  /**
   * Outer partition key; default: the first user record's, as `aggregate` makes it. `null` for
   * an aggregate written without one to a service-managed stream (its user records keep theirs).
   */
  partitionKey?: string | null;
}

const AGGREGATED_RECORD_OPTIONS = optionNames<AggregatedRecordOptions>({
  sequenceNumber: true,
  approximateArrivalTimestamp: true,
  partitionKey: true,
});
const PLAIN_RECORD_OPTIONS = AGGREGATED_RECORD_OPTIONS.filter((name) => name !== 'partitionKey');

/**
 * A KPL aggregate of the given user records, always aggregated (even a single one), so that
 * tests can exercise the aggregated path.
 */
export function aggregatedRecord(
  userRecords: readonly UserRecordInput[],
  options: AggregatedRecordOptions = {},
): ParentRecordSpec {
  assertKnownOptions(options, AGGREGATED_RECORD_OPTIONS);
  if (userRecords.length === 0)
    throw new KplConfigurationError('An aggregate needs at least one user record', {
      option: 'userRecords',
    });
  const aggregator = new RecordAggregator({
    aggregationMaxBytes: MAX_KINESIS_RECORD_BYTES,
    aggregateSingleRecord: true,
  });
  for (const record of userRecords) {
    if (aggregator.add(record))
      throw new KplConfigurationError('User records do not fit in one 10 MiB aggregate', {
        option: 'userRecords',
      });
  }
  const built = aggregator.flush()!;
  const data = built.data;
  const partitionKey =
    options.partitionKey === undefined ? built.partitionKey : options.partitionKey;
  return withOptionalFields({ data, partitionKey }, options);
}

/**
 * A plain (not aggregated) Kinesis record; `data` as bytes, or a string encoded as UTF-8.
 * `partitionKey: null` makes a record written without one to a service-managed stream, as
 * Lambda delivers it (a spec without the field, `{ data }`, makes one with no field at all).
 *
 * @example
 * ```ts
 * import { kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
 * const event = kinesisStreamEvent([
 *   plainRecord({ partitionKey: 'user-1', data: '{"n":1}' }),
 *   plainRecord({ partitionKey: null, data: '{"n":2}' }), // written to an AUTO stream without a key
 * ]);
 * ```
 */
export function plainRecord(
  record: { partitionKey: string | null; data: Uint8Array | string },
  options: Omit<AggregatedRecordOptions, 'partitionKey'> = {},
): ParentRecordSpec {
  assertKnownOptions(options, PLAIN_RECORD_OPTIONS);
  const data = typeof record.data === 'string' ? Buffer.from(record.data, 'utf8') : record.data;
  return withOptionalFields({ data, partitionKey: record.partitionKey }, options);
}

/**
 * An aggregate whose MD5 digest matches but whose body cannot be decoded (it is cut short): what
 * `onCorrupt` handles. Deaggregated, it passes through with `deaggregationErrorReason`
 * `'TRUNCATED'`, or throws `KplDecodeError` with `onCorrupt: 'throw'`.
 *
 * @example
 * ```ts
 * import { corruptAggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
 * const event = kinesisStreamEvent([corruptAggregatedRecord({ partitionKey: 'a' })]);
 * ```
 */
export function corruptAggregatedRecord(options: AggregatedRecordOptions = {}): ParentRecordSpec {
  assertKnownOptions(options, AGGREGATED_RECORD_OPTIONS);
  const spec: ParentRecordSpec = {
    data: corruptAggregateBytes(),
    partitionKey: options.partitionKey === undefined ? 'a' : options.partitionKey,
  };
  return withOptionalFields(spec, options);
}

/** Options of {@link kinesisStreamEvent}. */
export interface KinesisStreamEventOptions {
  /** Default `shardId-000000000000`. */
  shardId?: string;
  /** Default `arn:aws:kinesis:us-east-1:123456789012:stream/test-stream`. */
  eventSourceARN?: string;
  /** Default `us-east-1`. */
  awsRegion?: string;
  /** Sequence number of the first generated record; the next ones increase from it. */
  firstSequenceNumber?: string;
}

const KINESIS_STREAM_EVENT_OPTIONS = optionNames<KinesisStreamEventOptions>({
  shardId: true,
  eventSourceARN: true,
  awsRegion: true,
  firstSequenceNumber: true,
});

const DEFAULT_FIRST_SEQUENCE_NUMBER = '49590338271490256608559692538361571095921575989136588898';

/**
 * A `KinesisStreamEvent` as Lambda delivers it: one record per spec, in order, with base64
 * data, `eventID` `shardId-...:sequenceNumber`, the stream ARN and increasing sequence numbers.
 * Typed as `@types/aws-lambda` types Lambda's events, whose `partitionKey` is a `string`: a
 * record made without one has `null` there (or no such field), as Lambda's has.
 */
export function kinesisStreamEvent(
  parents: readonly ParentRecordSpec[],
  options: KinesisStreamEventOptions = {},
): KinesisStreamEvent {
  assertKnownOptions(options, KINESIS_STREAM_EVENT_OPTIONS);
  const {
    shardId = 'shardId-000000000000',
    eventSourceARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/test-stream',
    awsRegion = 'us-east-1',
    firstSequenceNumber = DEFAULT_FIRST_SEQUENCE_NUMBER,
  } = options;
  let nextSequenceNumber = BigInt(firstSequenceNumber);
  const now = Date.now() / 1000;
  const Records = parents.map((parent) =>
    lambdaKinesisRecord({
      data: parent.data,
      partitionKey: parent.partitionKey,
      sequenceNumber: parent.sequenceNumber ?? (nextSequenceNumber++).toString(),
      approximateArrivalTimestamp: parent.approximateArrivalTimestamp ?? now,
      shardId,
      eventSourceARN,
      awsRegion,
    }),
  );
  return { Records };
}

function withOptionalFields(
  spec: ParentRecordSpec,
  options: Omit<AggregatedRecordOptions, 'partitionKey'>,
): ParentRecordSpec {
  if (options.sequenceNumber !== undefined) spec.sequenceNumber = options.sequenceNumber;
  if (options.approximateArrivalTimestamp !== undefined) {
    spec.approximateArrivalTimestamp = options.approximateArrivalTimestamp;
  }
  return spec;
}
