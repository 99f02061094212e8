import { createHash } from 'node:crypto';
import { KPL_DIGEST_SIZE, MAGIC_BYTES } from './constants.js';
import { KplDecodeError } from './errors.js';
import type { UserRecord } from './types.js';
import { decodeFailure, fieldNumber, WireReader } from './WireReader.js';
import {
  DATA_TAG,
  EXPLICIT_HASH_KEY_INDEX_TAG,
  EXPLICIT_HASH_KEY_TABLE_TAG,
  HIGHEST_KNOWN_FIELD,
  PARTITION_KEY_INDEX_TAG,
  PARTITION_KEY_TABLE_TAG,
  RECORDS_TAG,
} from './wireFormat.js';

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
  if (digestStart <= MAGIC_BYTES.length) return false;
  for (let i = 0; i < MAGIC_BYTES.length; i++) if (data[i] !== MAGIC_BYTES[i]) return false;
  const digest = createHash('md5').update(data.subarray(MAGIC_BYTES.length, digestStart)).digest();
  for (let i = 0; i < KPL_DIGEST_SIZE; i++) if (data[digestStart + i] !== digest[i]) return false;
  return true;
}

/**
 * Decodes the protobuf body of an aggregate that passed {@link isAggregated}. Tables may come
 * after the records that use them (protobuf allows any field order), so indexes are resolved
 * only once the whole message is read. Throws {@link KplDecodeError}; any other exception is a
 * bug and propagates as it is.
 */
export function decodeAggregate(data: Uint8Array, sequenceNumber?: string): UserRecord[] {
  const body = data.subarray(MAGIC_BYTES.length, data.length - KPL_DIGEST_SIZE);
  try {
    return resolveUserRecords(readAggregatedRecord(new WireReader(body)));
  } catch (error) {
    if (!(error instanceof KplDecodeError)) throw error;
    const where = sequenceNumber === undefined ? '' : ` ${sequenceNumber}`;
    throw new KplDecodeError(
      error.reason,
      `Corrupt KPL aggregate${where}: ${error.message} (${error.reason})`,
      sequenceNumber === undefined ? {} : { sequenceNumber },
    );
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

function readAggregatedRecord(reader: WireReader): RawAggregate {
  const aggregate: RawAggregate = { partitionKeys: [], explicitHashKeys: [], records: [] };
  while (reader.pos < reader.end) {
    const tag = reader.varint();
    if (tag === PARTITION_KEY_TABLE_TAG) aggregate.partitionKeys.push(reader.string());
    else if (tag === EXPLICIT_HASH_KEY_TABLE_TAG) aggregate.explicitHashKeys.push(reader.string());
    else if (tag === RECORDS_TAG) aggregate.records.push(readUserRecord(reader));
    else skipUnknownField(reader, tag, reader.end);
  }
  return aggregate;
}

function readUserRecord(reader: WireReader): RawUserRecord {
  const length = reader.length();
  const end = reader.pos + length;
  let partitionKeyIndex = NO_INDEX;
  let explicitHashKeyIndex = NO_INDEX;
  let data: Uint8Array | undefined;
  while (reader.pos < end) {
    const tag = reader.varint();
    if (tag === PARTITION_KEY_INDEX_TAG) partitionKeyIndex = reader.varint();
    else if (tag === EXPLICIT_HASH_KEY_INDEX_TAG) explicitHashKeyIndex = reader.varint();
    else if (tag === DATA_TAG) data = reader.bytes(end);
    // Field 4 holds tags: on the wire, but no consumer reads them.
    else skipUnknownField(reader, tag, end);
    if (reader.pos > end) {
      throw decodeFailure('TRUNCATED', 'a field runs past the end of its user record');
    }
  }
  if (partitionKeyIndex === NO_INDEX) {
    throw decodeFailure('MISSING_FIELD', 'partition_key_index is missing');
  }
  if (data === undefined) throw decodeFailure('MISSING_FIELD', 'data is missing');
  return { partitionKeyIndex, explicitHashKeyIndex, data };
}

function skipUnknownField(reader: WireReader, tag: number, within: number): void {
  const number = fieldNumber(tag);
  if (number === 0) throw decodeFailure('MALFORMED_FIELD', 'field number 0');
  if (number <= HIGHEST_KNOWN_FIELD) {
    throw decodeFailure('MALFORMED_FIELD', `field ${number} has the wrong wire type ${tag % 8}`);
  }
  reader.skipField(tag, within);
}

function resolveUserRecords({
  partitionKeys,
  explicitHashKeys,
  records,
}: RawAggregate): UserRecord[] {
  if (records.length === 0) throw decodeFailure('NO_RECORDS', 'the aggregate holds no user record');
  const userRecords: UserRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const { partitionKeyIndex, explicitHashKeyIndex, data } = records[i]!;
    // Indexes are uint64: any value, however large, is only valid inside its table.
    const partitionKey = partitionKeys[partitionKeyIndex];
    if (partitionKey === undefined) {
      throw decodeFailure(
        'INDEX_OUT_OF_RANGE',
        `user record ${i}: partition_key_index ${partitionKeyIndex} is outside a table of ${partitionKeys.length}`,
      );
    }
    const userRecord: UserRecord = { partitionKey, data, subSequenceNumber: i, aggregated: true };
    if (explicitHashKeyIndex !== NO_INDEX) {
      const explicitHashKey = explicitHashKeys[explicitHashKeyIndex];
      if (explicitHashKey === undefined) {
        throw decodeFailure(
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
