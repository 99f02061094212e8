/**
 * The protobuf wire format of the KPL's `AggregatedRecord`, as the decoder and the aggregator
 * both use it: field tags (field number << 3 | wire type), named once, and the sizes of fields.
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

/** The highest field number of both messages: fields above it are unknown and skipped. */
export const HIGHEST_KNOWN_FIELD = 3;

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
