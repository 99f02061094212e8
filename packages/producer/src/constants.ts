/**
 * Default bound on an aggregate, as the KPL's `AggregationMaxSize`: 50 KB. Smaller aggregates mean
 * fewer siblings delivered again when one user record fails; PUT payload units stay the same.
 */
export const DEFAULT_AGGREGATION_MAX_BYTES = 51_200;

/** Kinesis takes at most 500 records in one PutRecords request. */
export const MAX_RECORDS_PER_REQUEST = 500;

/** Default bound on one PutRecords request: data plus partition keys, 5 MiB. */
export const DEFAULT_MAX_REQUEST_BYTES = 5_242_880;

/** Largest PutRecords request a stream can be configured to take: 10 MiB. */
export const MAX_REQUEST_BYTES_LIMIT = 10_485_760;

/** Provisioned streams bill one PUT payload unit per started 25 KB of a record. */
export const PUT_PAYLOAD_UNIT_BYTES = 25_600;

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
