import { KplDecodeError, KplInvalidRecordError } from '../errors.js';
import { AggregateColumns, decodeAggregate, isAggregated } from '../format/decoder.js';
import { assertKnownOptions, assertOneOf, optionNames } from '../options.js';
import type {
  DeaggregateOptions,
  OnCorrupt,
  ParentRecordKeys,
  SdkKinesisRecord,
  SdkUserRecord,
  UserRecord,
} from '../types.js';

/**
 * Deaggregates the bytes of one Kinesis record from any source (SDK, KCL, a file, a test).
 * A KPL aggregate gives its user records in order, each `data` a zero-copy view into `data`;
 * anything else gives one plain user record with the parent's keys (none given: none, as for a
 * record written without a key to a service-managed stream). A corrupt aggregate is
 * passed through with a `deaggregationError`, or throws {@link KplDecodeError} with
 * `onCorrupt: 'throw'`.
 *
 * @example
 * ```ts
 * import { deaggregateBytes } from '@kpl-lambda/core';
 * for (const userRecord of deaggregateBytes(bytes, { partitionKey: 'a' })) {
 *   console.log(userRecord.subSequenceNumber, userRecord.partitionKey, userRecord.data.length);
 * }
 * ```
 */
export function deaggregateBytes(
  data: Uint8Array,
  parent: ParentRecordKeys = {},
  options?: DeaggregateOptions,
): UserRecord[] {
  assertDeaggregateOptions(options);
  return userRecordsOf(readParentBytes(data, parent, options));
}

/** The user records of what {@link readParentBytes} read, each data a view into its parent. */
function userRecordsOf(read: AggregateColumns | UserRecord): UserRecord[] {
  if (!(read instanceof AggregateColumns)) return [read];
  const { partitionKeys, explicitHashKeys } = read;
  const userRecords: UserRecord[] = new Array(partitionKeys.length);
  for (let i = 0; i < userRecords.length; i++) {
    const userRecord: UserRecord = {
      partitionKey: partitionKeys[i]!,
      data: read.dataOf(i),
      subSequenceNumber: i,
      aggregated: true,
    };
    const explicitHashKey = explicitHashKeys[i];
    if (explicitHashKey !== undefined) userRecord.explicitHashKey = explicitHashKey;
    userRecords[i] = userRecord;
  }
  return userRecords;
}

/**
 * What the bytes of one Kinesis record hold: an aggregate's user records as columns, or the one
 * user record that passes through: a plain record, or a corrupt aggregate with its
 * `deaggregationError` (unless `onCorrupt: 'throw'`, which throws {@link KplDecodeError}).
 */
export function readParentBytes(
  data: Uint8Array,
  parent: ParentRecordKeys,
  options?: DeaggregateOptions,
): AggregateColumns | UserRecord {
  if (!isAggregated(data)) return plainUserRecord(data, parent);
  try {
    return decodeAggregate(data, parent.sequenceNumber);
  } catch (error) {
    // Only a corrupt aggregate passes through; anything else is a bug and must surface.
    if (!(error instanceof KplDecodeError) || options?.onCorrupt === 'throw') throw error;
    const userRecord = plainUserRecord(data, parent);
    userRecord.deaggregationError = error.message;
    userRecord.deaggregationErrorReason = error.reason;
    return userRecord;
  }
}

const ON_CORRUPT_MODES: readonly OnCorrupt[] = ['passthrough', 'throw'];
const DEAGGREGATE_OPTIONS = optionNames<DeaggregateOptions>({ onCorrupt: true });

export function assertDeaggregateOptions(options: DeaggregateOptions | undefined): void {
  assertKnownOptions(options, DEAGGREGATE_OPTIONS);
  assertOneOf('onCorrupt', options?.onCorrupt, ON_CORRUPT_MODES);
}

function plainUserRecord(data: Uint8Array, parent: ParentRecordKeys): UserRecord {
  // A record written without a partition key (a service-managed stream) has none to keep.
  const userRecord: UserRecord =
    typeof parent.partitionKey === 'string'
      ? { partitionKey: parent.partitionKey, data, subSequenceNumber: 0, aggregated: false }
      : { data, subSequenceNumber: 0, aggregated: false };
  if (parent.explicitHashKey !== undefined) userRecord.explicitHashKey = parent.explicitHashKey;
  return userRecord;
}

/**
 * Deaggregates AWS SDK v3 Kinesis records (`GetRecordsCommand` output `Records`, or
 * `SubscribeToShard` events). Each user record carries its parent's sequence number and
 * arrival time.
 *
 * @example
 * ```ts
 * import { GetRecordsCommand } from '@aws-sdk/client-kinesis';
 * import { deaggregateSdkRecords } from '@kpl-lambda/core';
 * const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
 * for (const userRecord of deaggregateSdkRecords(Records)) {
 *   console.log(userRecord.sequenceNumber, userRecord.subSequenceNumber);
 * }
 * ```
 */
export function deaggregateSdkRecords(
  records: readonly SdkKinesisRecord[],
  options?: DeaggregateOptions,
): SdkUserRecord[] {
  assertDeaggregateOptions(options);
  const userRecords: SdkUserRecord[] = [];
  for (const record of records) {
    const { Data, PartitionKey, SequenceNumber, ApproximateArrivalTimestamp } = record;
    // PartitionKey is absent on a record written without one to a service-managed stream.
    if (
      !(Data instanceof Uint8Array) ||
      !(PartitionKey == null || typeof PartitionKey === 'string')
    ) {
      throw new KplInvalidRecordError(
        `Kinesis record ${SequenceNumber ?? '(no sequence number)'} has no Data bytes, or a PartitionKey that is not a string`,
      );
    }
    const sequenceNumber = SequenceNumber ?? '';
    const read = readParentBytes(Data, { partitionKey: PartitionKey, sequenceNumber }, options);
    for (const userRecord of userRecordsOf(read)) {
      userRecords.push(withParentFields(userRecord, sequenceNumber, ApproximateArrivalTimestamp));
    }
  }
  return userRecords;
}

function withParentFields(
  userRecord: UserRecord,
  sequenceNumber: string,
  approximateArrivalTimestamp: Date | undefined,
): SdkUserRecord {
  const sdkUserRecord = userRecord as SdkUserRecord;
  sdkUserRecord.sequenceNumber = sequenceNumber;
  if (approximateArrivalTimestamp !== undefined) {
    sdkUserRecord.approximateArrivalTimestamp = approximateArrivalTimestamp;
  }
  return sdkUserRecord;
}
