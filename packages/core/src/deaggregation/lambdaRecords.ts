import { Buffer } from 'node:buffer';
import type { KinesisStreamRecord } from 'aws-lambda';
import { KplInvalidRecordError } from '../errors.js';
import { AggregateColumns } from '../format/decoder.js';
import type { DeaggregateOptions, KinesisStreamUserRecord, UserRecord } from '../types.js';
import { assertDeaggregateOptions, readParentBytes } from './deaggregate.js';
import { LambdaUserRecord } from './LambdaUserRecord.js';
import { LambdaUserRecordPayload } from './LambdaUserRecordPayload.js';

/** Every aggregate's base64 starts with this: the magic bytes F3 89 9A C2. */
const BASE64_MAGIC_PREFIX = '84maw';

/** Base64 text, as far as its ends show: what Lambda delivers as `kinesis.data`. */
const BASE64_EDGE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Deaggregates the records of a Lambda Kinesis event into user records, in order. Each user
 * record keeps every envelope field of its parent (`eventID`, `eventSourceARN`, ...) and the
 * parent's `sequenceNumber`, and gains `subSequenceNumber` and `aggregated`; `data` stays base64
 * as Lambda gives it, and {@link userRecordData} reads the bytes it was encoded from. Plain
 * records pass through with `subSequenceNumber: 0`.
 *
 * @example
 * ```ts
 * import type { KinesisStreamEvent } from 'aws-lambda';
 * import { deaggregateRecords, userRecordText } from '@kpl-lambda/core';
 * export const handler = async (event: KinesisStreamEvent) => {
 *   for (const record of deaggregateRecords(event.Records)) {
 *     const { sequenceNumber, subSequenceNumber } = record.kinesis;
 *     console.log(sequenceNumber, subSequenceNumber, userRecordText(record));
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
    const read = readLambdaRecordData(record, options);
    if (!(read instanceof AggregateColumns)) {
      lambdaUserRecords.push(passedThrough(record, read));
      continue;
    }
    const toLambdaUserRecord = lambdaUserRecordFactory(record, read);
    for (let i = 0; i < read.partitionKeys.length; i++) {
      lambdaUserRecords.push(toLambdaUserRecord(i));
    }
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
    const read = readLambdaRecordData(record, options);
    if (!(read instanceof AggregateColumns)) {
      yield passedThrough(record, read);
      continue;
    }
    const toLambdaUserRecord = lambdaUserRecordFactory(record, read);
    for (let i = 0; i < read.partitionKeys.length; i++) yield toLambdaUserRecord(i);
  }
}

/**
 * What a Lambda record's data holds (see `readParentBytes`); undefined when it cannot be an
 * aggregate.
 */
function readLambdaRecordData(
  record: KinesisStreamRecord,
  options: DeaggregateOptions | undefined,
): AggregateColumns | UserRecord | undefined {
  const kinesis = (record as Partial<KinesisStreamRecord> | null | undefined)?.kinesis;
  const data: unknown = kinesis?.data;
  if (typeof kinesis?.sequenceNumber !== 'string' || !isBase64Text(data)) {
    throw new KplInvalidRecordError(
      `Kinesis record ${kinesis?.sequenceNumber ?? record?.eventID ?? String(record)}: not a Lambda Kinesis record with base64 kinesis.data and a sequenceNumber (was it decoded before deaggregation?)`,
    );
  }
  // Decoding base64 only where an aggregate can be keeps plain records cheap.
  if (!data.startsWith(BASE64_MAGIC_PREFIX)) return undefined;
  return readParentBytes(
    Buffer.from(data, 'base64'),
    { partitionKey: kinesis.partitionKey, sequenceNumber: kinesis.sequenceNumber },
    options,
  );
}

/**
 * Whether `data` can be the base64 text Lambda delivers. Its length and both ends are checked,
 * not every character: a 6 MB batch must not pay for a full pass. A stray character further in
 * is skipped by Node's base64 decoder, as by any consumer's; the bytes then decide, and the MD5
 * lets nothing but an intact aggregate be deaggregated.
 */
function isBase64Text(data: unknown): data is string {
  if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64_EDGE.test(data.slice(-4))) {
    return false;
  }
  // An aggregate's text opens with the magic's base64: its head needs no other check.
  return data.startsWith(BASE64_MAGIC_PREFIX) || BASE64_EDGE.test(data.slice(0, 64));
}

/** A plain record, or a corrupt aggregate passed through: Lambda's record, data unchanged. */
function passedThrough(
  record: KinesisStreamRecord,
  userRecord: UserRecord | undefined,
): KinesisStreamUserRecord {
  const kinesis = { ...record.kinesis, subSequenceNumber: 0, aggregated: false };
  if (userRecord?.deaggregationError !== undefined) {
    Object.assign(kinesis, {
      deaggregationError: userRecord.deaggregationError,
      deaggregationErrorReason: userRecord.deaggregationErrorReason,
    });
  }
  return { ...record, kinesis };
}

/** The fields Lambda puts on a Kinesis event record, and on its `kinesis` payload. */
const ENVELOPE_KEYS = new Set([
  'kinesis',
  'eventSource',
  'eventVersion',
  'eventID',
  'eventName',
  'invokeIdentityArn',
  'awsRegion',
  'eventSourceARN',
]);
const PAYLOAD_KEYS = new Set([
  'kinesisSchemaVersion',
  'partitionKey',
  'sequenceNumber',
  'data',
  'approximateArrivalTimestamp',
]);

/**
 * Makes the Lambda user records of one parent. Most parents have exactly Lambda's fields: those
 * are built by constructors, each object allocated in one step with a known shape, where spreading
 * the parent copies it property by property for each of thousands of user records. Any other
 * parent is copied field by field, so that no envelope field is ever lost.
 */
function lambdaUserRecordFactory(
  record: KinesisStreamRecord,
  columns: AggregateColumns,
): (index: number) => KinesisStreamUserRecord {
  const kinesis = record.kinesis;
  if (!hasExactly(record, ENVELOPE_KEYS) || !hasExactly(kinesis, PAYLOAD_KEYS)) {
    return (index) => {
      const payload: KinesisStreamUserRecord['kinesis'] = {
        ...kinesis,
        partitionKey: columns.partitionKeys[index]!,
        data: columns.base64Of(index),
        subSequenceNumber: index,
        aggregated: true,
      };
      const explicitHashKey = columns.explicitHashKeys[index];
      if (explicitHashKey !== undefined) payload.explicitHashKey = explicitHashKey;
      return { ...record, kinesis: payload };
    };
  }
  return (index) =>
    new LambdaUserRecord(record, new LambdaUserRecordPayload(kinesis, columns, index));
}

function hasExactly(object: object, keys: ReadonlySet<string>): boolean {
  // Object.keys comes from V8's cache of the object's shape: faster than a for...in pass.
  const own = Object.keys(object);
  return own.length === keys.size && own.every((key) => keys.has(key));
}
