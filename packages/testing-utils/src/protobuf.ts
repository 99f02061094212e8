// Protobuf builders for hand-made aggregates: a body written byte by byte, framed as the KPL
// frames it.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { KPL_MAGIC } from '@kpl-lambda/core';

/** Frames a protobuf body as an aggregate: magic, body, MD5 of the body. */
export function frame(body: readonly number[] | Uint8Array): Buffer {
  const bytes = Buffer.from(body);
  return Buffer.concat([KPL_MAGIC, bytes, createHash('md5').update(bytes).digest()]);
}

/** A length-delimited protobuf field: tag byte, one-byte length, payload. */
export function field(tag: number, payload: readonly number[] | string): number[] {
  const bytes = typeof payload === 'string' ? [...Buffer.from(payload, 'utf8')] : [...payload];
  if (bytes.length > 127) throw new RangeError('helper takes short payloads only');
  return [tag, bytes.length, ...bytes];
}

/** `partition_key_table` (field 1), `explicit_hash_key_table` (2) and `records` (3) entries. */
export const partitionKeyEntry = (key: string) => field(0x0a, key);
export const explicitHashKeyEntry = (key: string) => field(0x12, key);
export const recordEntry = (fields: readonly number[]) => field(0x1a, fields);
/** Fields of a user record: indexes as one-byte varints, data as UTF-8. */
export const partitionKeyIndex = (index: number) => [0x08, index];
export const explicitHashKeyIndex = (index: number) => [0x10, index];
export const data = (text: string) => field(0x1a, text);

/** Varint bytes that say "more follows" and add nothing: padding, or the low bits of a large value. */
export const continuation = (count: number): number[] => new Array<number>(count).fill(0x80);
