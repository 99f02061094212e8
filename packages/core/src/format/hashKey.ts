import { MAX_HASH_KEY, MAX_PARTITION_KEY_LENGTH } from '../constants.js';
import { KplInvalidRecordError } from '../errors.js';
import { md5Hex } from './md5.js';

/**
 * The hash key Kinesis derives from a partition key: the MD5 of its UTF-8 bytes read as an
 * unsigned big-endian 128-bit integer, in decimal. A record goes to the shard whose hash key
 * range holds this value (unless it has an explicit hash key).
 *
 * @example
 * ```ts
 * import { computeHashKey } from '@kpl-lambda/core';
 * computeHashKey('abcd'); // '301716283811389038011477436469853762335'
 * ```
 */
export function computeHashKey(partitionKey: string): string {
  return BigInt(`0x${md5Hex(partitionKey)}`).toString();
}

/**
 * {@link computeHashKey} as 32 hex digits. Of the same width, hex hash keys compare as strings as
 * the numbers do: a router can search shard hash key ranges kept in hex without making a BigInt
 * per record.
 *
 * @example
 * ```ts
 * import { computeHashKeyHex } from '@kpl-lambda/core';
 * computeHashKeyHex('abcd'); // 'e2fc714c4727ee9395f324cd2e7f331f'
 * ```
 */
export function computeHashKeyHex(partitionKey: string): string {
  return md5Hex(partitionKey);
}

const decimal = /^(0|[1-9][0-9]{0,38})$/;

/**
 * Whether a string is a hash key Kinesis accepts as `ExplicitHashKey`: a decimal integer in
 * 0 .. 2^128-1 without sign or leading zeros.
 *
 * @example
 * ```ts
 * import { isValidHashKey } from '@kpl-lambda/core';
 * isValidHashKey('340282366920938463463374607431768211455'); // true (2^128 - 1)
 * isValidHashKey('-1'); // false
 * ```
 */
export function isValidHashKey(hashKey: string): boolean {
  return decimal.test(hashKey) && BigInt(hashKey) <= MAX_HASH_KEY;
}

/**
 * Throws {@link KplInvalidRecordError} unless Kinesis accepts the keys: a partition key of 1 to
 * 256 characters that UTF-8 can carry (no lone surrogate), and an explicit hash key, when given, that {@link isValidHashKey} accepts.
 *
 * @example
 * ```ts
 * import { assertValidKeys } from '@kpl-lambda/core/internal';
 * assertValidKeys('user-1', undefined); // fine
 * assertValidKeys('', '42'); // throws KplInvalidRecordError
 * ```
 */
export function assertValidKeys(partitionKey: unknown, explicitHashKey: unknown): void {
  if (
    typeof partitionKey !== 'string' ||
    partitionKey.length === 0 ||
    partitionKey.length > MAX_PARTITION_KEY_LENGTH
  ) {
    throw new KplInvalidRecordError(
      `Partition key must be a string of 1 to ${MAX_PARTITION_KEY_LENGTH} characters, got ${describe(partitionKey)}`,
    );
  }
  // A lone surrogate has no UTF-8 form: it would be written as U+FFFD, so the key read back,
  // and the hash key Kinesis routes by, would not be the key that was given.
  if (!isWellFormed(partitionKey)) {
    throw new KplInvalidRecordError(
      'Partition key holds a lone UTF-16 surrogate, which UTF-8 cannot carry',
    );
  }
  if (
    explicitHashKey !== undefined &&
    (typeof explicitHashKey !== 'string' || !isValidHashKey(explicitHashKey))
  ) {
    throw new KplInvalidRecordError(
      `Explicit hash key must be a decimal string in 0 .. 2^128-1, got ${describe(explicitHashKey)}`,
    );
  }
}

/** `String.prototype.isWellFormed` (ES2024, in every Node this supports), typed for ES2022. */
const isWellFormed = (text: string): boolean =>
  (text as string & { isWellFormed(): boolean }).isWellFormed();

function describe(value: unknown): string {
  return typeof value === 'string' ? `a string of length ${value.length}` : typeof value;
}
