/** The magic bytes, as the format reads and writes them: never handed out, so never written to. */
export const MAGIC_BYTES: readonly number[] = Object.freeze([0xf3, 0x89, 0x9a, 0xc2]);

/**
 * The 4 bytes that open every KPL aggregated record (`84maw` in base64). A copy: writing to it
 * changes nothing the library detects or writes.
 */
export const KPL_MAGIC: Uint8Array = Uint8Array.from(MAGIC_BYTES);

/** Size of the MD5 digest that closes an aggregated record. */
export const KPL_DIGEST_SIZE = 16;

/**
 * Default bound on an aggregate's data plus its outer partition key: the default
 * Kinesis record size limit of 1 MiB.
 */
export const DEFAULT_MAX_AGGREGATE_BYTES = 1_048_576;

/** Largest record a Kinesis stream can be configured to accept (`MaxRecordSizeInKiB`): 10 MiB. */
export const MAX_KINESIS_RECORD_BYTES = 10_485_760;

/** Kinesis accepts partition keys of 1 to 256 characters. */
export const MAX_PARTITION_KEY_LENGTH = 256;

/** Largest explicit hash key Kinesis accepts: 2^128 - 1. */
export const MAX_HASH_KEY: bigint = (1n << 128n) - 1n;

/**
 * The longest delay a Node.js timer keeps: 2^31-1 ms, about 24.8 days. A longer one fires at once
 * (with a `TimeoutOverflowWarning`), so every option that sets a timer is bounded by it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Default bound on what one user record's data may decode to: the largest Kinesis record. */
export const DEFAULT_MAX_DECODED_BYTES = MAX_KINESIS_RECORD_BYTES;

/**
 * The most `maxDecodedBytes` may be: a decoded record is handed to a Lambda handler as base64
 * text, and a longer string than this encodes to is more than V8 makes.
 */
export const MAX_DECODED_BYTES = 268_435_456;
