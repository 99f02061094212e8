import { type WireWriter, writeVarint } from './WireWriter.js';

/**
 * The protobuf wire format of the KPL's `AggregatedRecord`, as the decoder and the aggregator
 * both use it: field tags (field number << 3 | wire type), named once, and the sizes of fields and
 * of a user record's `Record` message.
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** `AggregatedRecord.partition_key_table` (repeated string). */
export const PARTITION_KEY_TABLE_TAG = (1 << 3) | LENGTH_DELIMITED;
/** `AggregatedRecord.explicit_hash_key_table` (repeated string). */
export const EXPLICIT_HASH_KEY_TABLE_TAG = (2 << 3) | LENGTH_DELIMITED;
/** `AggregatedRecord.records` (repeated Record). */
export const RECORDS_TAG = (3 << 3) | LENGTH_DELIMITED;
/** `Record.partition_key_index` (required uint64). */
export const PARTITION_KEY_INDEX_TAG = (1 << 3) | VARINT;
/** `Record.explicit_hash_key_index` (optional uint64). */
export const EXPLICIT_HASH_KEY_INDEX_TAG = (2 << 3) | VARINT;
/** `Record.data` (required bytes). */
export const DATA_TAG = (3 << 3) | LENGTH_DELIMITED;

/** `Record.tags` (repeated Tag): no consumer reads them. */
export const TAGS_TAG = (4 << 3) | LENGTH_DELIMITED;
/** `Tag.key` (required string). */
export const TAG_KEY_TAG = (1 << 3) | LENGTH_DELIMITED;

/** Marks an optional field that is absent, such as `explicit_hash_key_index` (absent is not 0). */
export const NO_INDEX = -1;

/** The bytes a varint of this (non-negative) value takes. */
export function varintBytes(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    bytes++;
  }
  return bytes;
}

/** A length-delimited field: tag, length varint, payload. */
export function fieldBytes(payloadBytes: number): number {
  return 1 + varintBytes(payloadBytes) + payloadBytes;
}

/** Size of a `Record` message: its indexes and its data (we write no tags). */
export function userRecordBytes(
  partitionKeyIndex: number,
  explicitHashKeyIndex: number,
  dataBytes: number,
): number {
  const explicitHashKeyIndexBytes =
    explicitHashKeyIndex === NO_INDEX ? 0 : 1 + varintBytes(explicitHashKeyIndex);
  return 1 + varintBytes(partitionKeyIndex) + explicitHashKeyIndexBytes + fieldBytes(dataBytes);
}

/** Body of an aggregate holding only this record: its keys are the first of their tables. */
export function loneRecordBodyBytes(
  partitionKeyBytes: number,
  explicitHashKey: string | undefined,
  dataBytes: number,
): number {
  const hashKeyTableBytes = explicitHashKey === undefined ? 0 : fieldBytes(explicitHashKey.length);
  const explicitHashKeyIndex = explicitHashKey === undefined ? NO_INDEX : 0;
  return (
    fieldBytes(partitionKeyBytes) +
    hashKeyTableBytes +
    fieldBytes(userRecordBytes(0, explicitHashKeyIndex, dataBytes))
  );
}

/**
 * Writes a user record's `Record` message, as a field of the aggregate: `recordBytes` is its
 * {@link userRecordBytes}. Room for it is made once, and each varint is written without a check.
 */
export function writeUserRecord(
  writer: WireWriter,
  recordBytes: number,
  partitionKeyIndex: number,
  explicitHashKeyIndex: number,
  data: Uint8Array,
): void {
  writer.reserve(fieldBytes(recordBytes));
  const { bytes } = writer;
  // Tags of fields numbered below 16 take one byte: written as such.
  let pos = writer.pos;
  bytes[pos++] = RECORDS_TAG;
  pos = writeVarint(bytes, pos, recordBytes);
  bytes[pos++] = PARTITION_KEY_INDEX_TAG;
  pos = writeVarint(bytes, pos, partitionKeyIndex);
  if (explicitHashKeyIndex !== NO_INDEX) {
    bytes[pos++] = EXPLICIT_HASH_KEY_INDEX_TAG;
    pos = writeVarint(bytes, pos, explicitHashKeyIndex);
  }
  bytes[pos++] = DATA_TAG;
  pos = writeVarint(bytes, pos, data.length);
  bytes.set(data, pos);
  writer.pos = pos + data.length;
}
