import type { KinesisStreamRecord } from 'aws-lambda';
import { toBase64 } from './bytes.js';
import { assertDeaggregateOptions, deaggregateBytesChecked } from './deaggregate.js';
import { KplInvalidRecordError } from './errors.js';
import type { DeaggregateOptions, KinesisStreamUserRecord, UserRecord } from './types.js';

/** Every aggregate's base64 starts with this: the magic bytes F3 89 9A C2. */
const BASE64_MAGIC_PREFIX = '84maw';

/** Base64 text, as far as its ends show: what Lambda delivers as `kinesis.data`. */
const BASE64_EDGE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Deaggregates the records of a Lambda Kinesis event into user records, in order. Each user
 * record keeps every envelope field of its parent (`eventID`, `eventSourceARN`, ...) and the
 * parent's `sequenceNumber`, and gains `subSequenceNumber` and `aggregated`; `data` stays base64
 * as Lambda gives it. Plain records pass through with `subSequenceNumber: 0`.
 *
 * @example
 * ```ts
 * import type { KinesisStreamEvent } from 'aws-lambda';
 * import { deaggregateRecords } from '@kpl-lambda/core';
 * export const handler = async (event: KinesisStreamEvent) => {
 *   for (const record of deaggregateRecords(event.Records)) {
 *     const { sequenceNumber, subSequenceNumber, data } = record.kinesis;
 *     console.log(sequenceNumber, subSequenceNumber, Buffer.from(data, 'base64').toString());
 *   }
 * };
 * ```
 */
export function deaggregateRecords(
  records: readonly KinesisStreamRecord[],
  options?: DeaggregateOptions,
): KinesisStreamUserRecord[] {
  assertDeaggregateOptions(options);
  const lambdaUserRecords: KinesisStreamUserRecord[] = [];
  for (const record of records) {
    const userRecords = deaggregateLambdaRecordData(record, options);
    if (userRecords === undefined) {
      lambdaUserRecords.push(plainLambdaUserRecord(record));
      continue;
    }
    const toLambdaUserRecord = lambdaUserRecordFactory(record);
    for (const userRecord of userRecords) lambdaUserRecords.push(toLambdaUserRecord(userRecord));
  }
  return lambdaUserRecords;
}

/**
 * The generator form of {@link deaggregateRecords}: the same user records, produced one by one.
 * Each user record's data is encoded to base64 only when it is taken, so a batch of tens of
 * thousands of user records is never held in memory at once.
 *
 * @example
 * ```ts
 * import { iterDeaggregateRecords } from '@kpl-lambda/core';
 * for (const record of iterDeaggregateRecords(event.Records)) await handle(record);
 * ```
 */
export function* iterDeaggregateRecords(
  records: Iterable<KinesisStreamRecord>,
  options?: DeaggregateOptions,
): Generator<KinesisStreamUserRecord, void, undefined> {
  assertDeaggregateOptions(options);
  for (const record of records) {
    const userRecords = deaggregateLambdaRecordData(record, options);
    if (userRecords === undefined) {
      yield plainLambdaUserRecord(record);
      continue;
    }
    const toLambdaUserRecord = lambdaUserRecordFactory(record);
    for (const userRecord of userRecords) yield toLambdaUserRecord(userRecord);
  }
}

/** The user records of a Lambda record's data, or undefined when it cannot be an aggregate. */
function deaggregateLambdaRecordData(
  record: KinesisStreamRecord,
  options: DeaggregateOptions | undefined,
): UserRecord[] | undefined {
  const kinesis = (record as Partial<KinesisStreamRecord> | null | undefined)?.kinesis;
  const data: unknown = kinesis?.data;
  if (typeof kinesis?.sequenceNumber !== 'string' || !isBase64Text(data)) {
    throw new KplInvalidRecordError(
      `Kinesis record ${kinesis?.sequenceNumber ?? record?.eventID ?? String(record)}: not a Lambda Kinesis record with base64 kinesis.data and a sequenceNumber (was it decoded before deaggregation?)`,
    );
  }
  // Decoding base64 only where an aggregate can be keeps plain records cheap.
  if (!data.startsWith(BASE64_MAGIC_PREFIX)) return undefined;
  return deaggregateBytesChecked(
    Buffer.from(data, 'base64'),
    { partitionKey: kinesis.partitionKey, sequenceNumber: kinesis.sequenceNumber },
    options,
  );
}

/**
 * Whether `data` can be the base64 text Lambda delivers. Its length and both ends are checked,
 * not every character: a 6 MB batch must not pay for a full pass, and what this lets through
 * (a string with a stray character in the middle) decodes to bytes that are not an aggregate.
 */
function isBase64Text(data: unknown): data is string {
  return (
    typeof data === 'string' &&
    data.length % 4 === 0 &&
    BASE64_EDGE.test(data.slice(0, 64)) &&
    BASE64_EDGE.test(data.slice(-4))
  );
}

function plainLambdaUserRecord(record: KinesisStreamRecord): KinesisStreamUserRecord {
  return { ...record, kinesis: { ...record.kinesis, subSequenceNumber: 0, aggregated: false } };
}

/** The fields Lambda puts on a Kinesis event record, and on its `kinesis` payload. */
const ENVELOPE_KEYS = [
  'kinesis',
  'eventSource',
  'eventVersion',
  'eventID',
  'eventName',
  'invokeIdentityArn',
  'awsRegion',
  'eventSourceARN',
];
const PAYLOAD_KEYS = [
  'kinesisSchemaVersion',
  'partitionKey',
  'sequenceNumber',
  'data',
  'approximateArrivalTimestamp',
];

/**
 * Makes the Lambda user records of one parent. Most parents have exactly Lambda's fields:
 * building those from one object literal is several times faster than spreading the parent
 * for each of thousands of user records. Any other parent is copied field by field, so that no
 * envelope field is ever lost.
 */
function lambdaUserRecordFactory(
  record: KinesisStreamRecord,
): (userRecord: UserRecord) => KinesisStreamUserRecord {
  const kinesis = record.kinesis;
  if (!hasExactly(record, ENVELOPE_KEYS) || !hasExactly(kinesis, PAYLOAD_KEYS)) {
    return (userRecord) => ({
      ...record,
      kinesis: { ...kinesis, ...userPayloadFields(userRecord, kinesis) },
    });
  }
  const {
    eventSource,
    eventVersion,
    eventID,
    eventName,
    invokeIdentityArn,
    awsRegion,
    eventSourceARN,
  } = record;
  const { kinesisSchemaVersion, sequenceNumber, approximateArrivalTimestamp } = kinesis;
  return (userRecord) => ({
    kinesis: {
      kinesisSchemaVersion,
      sequenceNumber,
      approximateArrivalTimestamp,
      ...userPayloadFields(userRecord, kinesis),
    },
    eventSource,
    eventVersion,
    eventID,
    eventName,
    invokeIdentityArn,
    awsRegion,
    eventSourceARN,
  });
}

function hasExactly(object: object, keys: readonly string[]): boolean {
  const own = Object.keys(object);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(object, key));
}

/** What a user record puts in its payload over its parent's. */
function userPayloadFields(
  userRecord: UserRecord,
  kinesis: KinesisStreamRecord['kinesis'],
): Pick<
  KinesisStreamUserRecord['kinesis'],
  | 'partitionKey'
  | 'data'
  | 'subSequenceNumber'
  | 'aggregated'
  | 'explicitHashKey'
  | 'deaggregationError'
  | 'deaggregationErrorReason'
> {
  const fields: ReturnType<typeof userPayloadFields> = {
    partitionKey: userRecord.partitionKey,
    // A plain or corrupt record keeps its data exactly as Lambda delivered it.
    data: userRecord.aggregated ? toBase64(userRecord.data) : kinesis.data,
    subSequenceNumber: userRecord.subSequenceNumber,
    aggregated: userRecord.aggregated,
  };
  if (userRecord.explicitHashKey !== undefined) fields.explicitHashKey = userRecord.explicitHashKey;
  if (userRecord.deaggregationError !== undefined) {
    fields.deaggregationError = userRecord.deaggregationError;
    fields.deaggregationErrorReason = userRecord.deaggregationErrorReason!;
  }
  return fields;
}
