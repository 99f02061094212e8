import { createHash } from 'node:crypto';
import protobuf from 'protobufjs/minimal.js';
import { KPL_DIGEST_SIZE, KPL_MAGIC } from './constants.js';
import { KplDecodeError } from './errors.js';
import type { KplDecodeErrorReason, UserRecord } from './types.js';

const { Reader } = protobuf;
type ProtobufReader = InstanceType<typeof Reader>;

/** Tags (field number << 3 | wire type) of the fields we read. */
const PARTITION_KEY_TABLE_TAG = (1 << 3) | 2;
const EXPLICIT_HASH_KEY_TABLE_TAG = (2 << 3) | 2;
const RECORDS_TAG = (3 << 3) | 2;
const PARTITION_KEY_INDEX_TAG = (1 << 3) | 0;
const EXPLICIT_HASH_KEY_INDEX_TAG = (2 << 3) | 0;
const DATA_TAG = (3 << 3) | 2;

/** Stands for any index of 2^32 or more: no table can be that long. */
const INDEX_TOO_LARGE = 2 ** 32;
const NO_INDEX = -1;

/**
 * The KCL's test: longer than magic plus digest, opens with the magic, and the MD5 of the
 * body matches the trailer. A user record may start with the magic by chance; the digest is
 * what tells them apart.
 *
 * @example
 * ```ts
 * import { isAggregated } from '@kpl-lambda/core';
 * isAggregated(Buffer.from(record.kinesis.data, 'base64'));
 * ```
 */
export function isAggregated(data: Uint8Array): boolean {
  const digestStart = data.length - KPL_DIGEST_SIZE;
  if (digestStart <= KPL_MAGIC.length) return false;
  for (let i = 0; i < KPL_MAGIC.length; i++) if (data[i] !== KPL_MAGIC[i]) return false;
  const digest = createHash('md5').update(data.subarray(KPL_MAGIC.length, digestStart)).digest();
  for (let i = 0; i < KPL_DIGEST_SIZE; i++) if (data[digestStart + i] !== digest[i]) return false;
  return true;
}

/**
 * Decodes the protobuf body of an aggregate that passed {@link isAggregated}. Tables may come
 * after the records that use them (protobuf allows any field order), so indexes are resolved
 * only once the whole message is read. Throws {@link KplDecodeError}.
 */
export function decodeAggregate(data: Uint8Array, sequenceNumber?: string): UserRecord[] {
  const body = data.subarray(KPL_MAGIC.length, data.length - KPL_DIGEST_SIZE);
  try {
    return resolveUserRecords(readAggregatedRecord(Reader.create(body)));
  } catch (error) {
    throw asDecodeError(error, sequenceNumber);
  }
}

interface RawUserRecord {
  partitionKeyIndex: number;
  explicitHashKeyIndex: number;
  data: Uint8Array;
}

interface RawAggregate {
  partitionKeys: string[];
  explicitHashKeys: string[];
  records: RawUserRecord[];
}

function readAggregatedRecord(reader: ProtobufReader): RawAggregate {
  const aggregate: RawAggregate = { partitionKeys: [], explicitHashKeys: [], records: [] };
  while (reader.pos < reader.len) {
    const tag = reader.tag();
    if (tag === PARTITION_KEY_TABLE_TAG) aggregate.partitionKeys.push(reader.string());
    else if (tag === EXPLICIT_HASH_KEY_TABLE_TAG) aggregate.explicitHashKeys.push(reader.string());
    else if (tag === RECORDS_TAG) aggregate.records.push(readUserRecord(reader));
    else skipUnknownField(reader, tag, 3);
  }
  return aggregate;
}

function readUserRecord(reader: ProtobufReader): RawUserRecord {
  const length = reader.size();
  const end = reader.pos + length;
  if (end > reader.len) throw fail('TRUNCATED', 'a user record runs past the end of the aggregate');
  let partitionKeyIndex = NO_INDEX;
  let explicitHashKeyIndex = NO_INDEX;
  let data: Uint8Array | undefined;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === PARTITION_KEY_INDEX_TAG) partitionKeyIndex = readIndex(reader);
    else if (tag === EXPLICIT_HASH_KEY_INDEX_TAG) explicitHashKeyIndex = readIndex(reader);
    else if (tag === DATA_TAG) data = reader.bytes();
    // Field 4 holds tags: on the wire, but no consumer reads them.
    else skipUnknownField(reader, tag, 3);
  }
  if (reader.pos !== end) throw fail('TRUNCATED', 'a field runs past the end of its user record');
  if (partitionKeyIndex === NO_INDEX) throw fail('MISSING_FIELD', 'partition_key_index is missing');
  if (data === undefined) throw fail('MISSING_FIELD', 'data is missing');
  return { partitionKeyIndex, explicitHashKeyIndex, data };
}

/**
 * Indexes are uint64 on the wire; protobufjs reads 32 bits of them. Any bit above those makes
 * the index larger than any table, so it is mapped to {@link INDEX_TOO_LARGE} instead of
 * wrapping around to a small, wrong index.
 */
function readIndex(reader: ProtobufReader): number {
  const start = reader.pos;
  const value = reader.uint32();
  if (reader.pos - start <= 4) return value;
  const buf = reader.buf;
  if ((buf[start + 4]! & 0x70) !== 0) return INDEX_TOO_LARGE;
  for (let i = start + 5; i < reader.pos; i++) if ((buf[i]! & 0x7f) !== 0) return INDEX_TOO_LARGE;
  return value;
}

function skipUnknownField(reader: ProtobufReader, tag: number, knownFields: number): void {
  const fieldNumber = tag >>> 3;
  if (fieldNumber === 0) throw fail('MALFORMED_FIELD', 'field number 0');
  if (fieldNumber <= knownFields) {
    throw fail('MALFORMED_FIELD', `field ${fieldNumber} has the wrong wire type ${tag & 7}`);
  }
  reader.skipType(tag & 7, 0, fieldNumber);
}

function resolveUserRecords({
  partitionKeys,
  explicitHashKeys,
  records,
}: RawAggregate): UserRecord[] {
  if (records.length === 0) throw fail('NO_RECORDS', 'the aggregate holds no user record');
  const userRecords: UserRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const { partitionKeyIndex, explicitHashKeyIndex, data } = records[i]!;
    const partitionKey = partitionKeys[partitionKeyIndex];
    if (partitionKey === undefined) {
      throw fail(
        'INDEX_OUT_OF_RANGE',
        `user record ${i}: partition_key_index ${partitionKeyIndex} is outside a table of ${partitionKeys.length}`,
      );
    }
    const userRecord: UserRecord = { partitionKey, data, subSequenceNumber: i, aggregated: true };
    if (explicitHashKeyIndex !== NO_INDEX) {
      const explicitHashKey = explicitHashKeys[explicitHashKeyIndex];
      if (explicitHashKey === undefined) {
        throw fail(
          'INDEX_OUT_OF_RANGE',
          `user record ${i}: explicit_hash_key_index ${explicitHashKeyIndex} is outside a table of ${explicitHashKeys.length}`,
        );
      }
      userRecord.explicitHashKey = explicitHashKey;
    }
    userRecords[i] = userRecord;
  }
  return userRecords;
}

/** Internal: the detail becomes the message of the final error, which adds the sequence number. */
function fail(reason: KplDecodeErrorReason, detail: string): KplDecodeError {
  return new KplDecodeError(reason, detail);
}

/** Turns our own failures and protobufjs's errors into one typed error. */
function asDecodeError(error: unknown, sequenceNumber: string | undefined): KplDecodeError {
  let reason: KplDecodeErrorReason;
  let detail: string;
  let cause: unknown;
  if (error instanceof KplDecodeError) {
    ({ reason, message: detail } = error);
  } else {
    cause = error;
    detail = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError) reason = 'TRUNCATED';
    else if (/varint|length encoding|tag encoding/.test(detail)) reason = 'MALFORMED_VARINT';
    else reason = 'MALFORMED_FIELD';
  }
  const where = sequenceNumber === undefined ? '' : ` ${sequenceNumber}`;
  return new KplDecodeError(
    reason,
    `Corrupt KPL aggregate${where}: ${detail} (${reason})`,
    sequenceNumber === undefined ? { cause } : { cause, sequenceNumber },
  );
}
