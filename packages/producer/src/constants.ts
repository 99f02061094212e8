/**
 * Default bound on an aggregate, as the KPL's `AggregationMaxSize`: 50 KB. Smaller aggregates mean
 * fewer siblings delivered again when one user record fails; PUT payload units stay the same.
 */
export const DEFAULT_AGGREGATION_MAX_BYTES = 51_200;

/**
 * Default bound on how long a user record waits to be sent, as the KPL's `RecordMaxBufferedTime`:
 * 100 ms. A full aggregate is sent at once.
 */
export const DEFAULT_MAX_BUFFERED_MS = 100;

/** Default bound on the user records a producer holds (buffered, in flight, being retried). */
export const DEFAULT_MAX_BUFFERED_RECORDS = 100_000;

/** Default bound on the bytes (data plus partition keys) a producer holds: 64 MiB. */
export const DEFAULT_MAX_BUFFERED_BYTES = 67_108_864;

/** Kinesis takes at most 500 records in one PutRecords request. */
export const MAX_RECORDS_PER_REQUEST = 500;

/** Default bound on one PutRecords request: data plus partition keys, 5 MiB. */
export const DEFAULT_MAX_REQUEST_BYTES = 5_242_880;

/** Largest PutRecords request a stream can be configured to take: 10 MiB. */
export const MAX_REQUEST_BYTES_LIMIT = 10_485_760;

/**
 * Default per-shard rate limit, as the KPL's `RateLimit`: 150% of a shard's write limits. Kinesis
 * enforces its limits over a window that takes some burst, so a little above 100% uses a shard
 * fully; far above it only draws throttling.
 */
export const DEFAULT_RATE_LIMIT = 150;

/** What one shard takes per second: 1 MiB and 1,000 records (an aggregate counts as one). */
export const SHARD_WRITE_LIMITS = { bytesPerSecond: 1_048_576, recordsPerSecond: 1_000 } as const;

/** Default time to live of a user record, as the KPL's `RecordTtl`: 30 s. */
export const DEFAULT_RECORD_TTL_MS = 30_000;

/**
 * Room a record put without a partition key keeps for one: a random UUID of 36 characters, given
 * to it when its stream turns out (or turns) to need one.
 */
export const INVENTED_PARTITION_KEY_BYTES = 36;

/** The error code of a user record given up because its time to live ran out. */
export const EXPIRED = 'EXPIRED';

/** Provisioned streams bill one PUT payload unit per started 25 KB of a record. */
export const PUT_PAYLOAD_UNIT_BYTES = 25_600;

/** Errors of a call that no retry can fix: the stream is not there, or the request is wrong. */
export const FATAL_ERROR_CODES: ReadonlySet<string> = new Set([
  'ResourceNotFoundException',
  'InvalidArgumentException',
  'ValidationException',
]);

/** Error codes of failed PutRecords entries and calls that are worth trying again. */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'InternalFailure',
  'InternalFailureException',
  'LimitExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ThrottlingException',
  'KMSThrottlingException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);
