import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KplLogger, KplMetrics } from '@kpl-lambda/core';

/** A JSON value: what `data` may be besides bytes and text. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue | undefined };

/**
 * A user record to write. `data` is bytes, text (written as UTF-8) or any other JSON value
 * (serialised with `JSON.stringify`). Objects of any interface are taken (an interface has no
 * index signature, so `JsonValue` alone would refuse them); what `JSON.stringify` cannot write
 * (a `BigInt`, a cycle, a function) is refused at `put` with `KplInvalidRecordError`.
 */
export interface ProducerRecord {
  data: Uint8Array | JsonValue | object;
  /**
   * The partition key; otherwise from the `partitionKeyFrom` option, or random (on a
   * service-managed stream, none: the record is sent without one).
   */
  partitionKey?: string;
  /** Decimal string in 0 .. 2^128-1; routes the record instead of its partition key. */
  explicitHashKey?: string;
}

/**
 * How the producer learns where Kinesis places records: `'detect'` asks the stream
 * (`DescribeStreamSummary`); the others say it, and the producer asks nothing.
 * `'USER_PARTITION_KEY'`: by partition key (or explicit hash key), as every stream did before;
 * `'AUTO'`: a service-managed stream, which places records itself.
 */
export type RecordDistributionOption = 'detect' | 'USER_PARTITION_KEY' | 'AUTO';

/** Options of {@link KinesisProducer}. Give `streamName` or `streamARN`. */
export interface KinesisProducerOptions {
  /** A configured AWS SDK v3 Kinesis client. */
  client: KinesisClient;
  streamName?: string;
  streamARN?: string;
  /**
   * Pack user records into KPL aggregates. Default `true`, except on a service-managed stream
   * (`AUTO`), where aggregates are not supported: there the producer sends plain records, and an
   * explicit `true` is a configuration error (see {@link KinesisProducerOptions.recordDistribution}).
   */
  aggregate?: boolean;
  /**
   * Where Kinesis places the records. Default `'detect'`: the producer asks `DescribeStreamSummary`
   * as soon as it is made (and again with the shard map), and records put before it answers wait
   * for it. On `AUTO` it sends plain records, a record without a partition key goes without one,
   * and it needs no shard map; the stream's `MaxRecordSizeInKiB` is its record limit unless
   * `maxRecordBytes` is given. Without the `kinesis:DescribeStreamSummary` permission it says so
   * once and works as on a stream placed by partition key. Giving `'USER_PARTITION_KEY'` or
   * `'AUTO'` skips the question.
   */
  recordDistribution?: RecordDistributionOption;
  /**
   * Where a record without its own `partitionKey` gets one: a function of the record, or the
   * name of a top-level field of a JSON object `data` (like boto3-batch-utils'
   * `partition_key_identifier`). Without it, or when the field is missing, the key is random.
   */
  partitionKeyFrom?: string | ((record: ProducerRecord) => string);
  /**
   * Bound on one Kinesis record: data plus partition key, up to 10 MiB. Default: the stream's
   * `MaxRecordSizeInKiB` once `DescribeStreamSummary` answered (1 MiB unless the stream was
   * configured larger), else 1 MiB (1048576).
   */
  maxRecordBytes?: number;
  /**
   * Bound on one aggregate (data plus partition key). Default 51,200 bytes, the KPL's
   * `AggregationMaxSize`: a failed user record makes Lambda deliver its whole aggregate again, so
   * smaller aggregates redeliver less, at the same PUT payload units. At most `maxRecordBytes`.
   * A user record larger than this is sent plain (with `orderedGroupsPerShard`, as an aggregate of
   * one).
   */
  aggregationMaxBytes?: number;
  /** Bound on the user records of one aggregate. Default: none. */
  aggregationMaxCount?: number;
  /**
   * Keeps each partition key's order under Lambda's `ParallelizationFactor` above 1, which keeps
   * order per *parent* partition key only. By default an aggregate goes under its first user
   * record's partition key, so the records of one key go under many parent keys, and Lambda may
   * run a later one before an earlier one. With this option, each shard's user records are
   * aggregated in this many groups, by their partition key, each aggregate goes under its group's
   * partition key (`ordered-group-0`, `ordered-group-1`, ...), routed to its shard by an explicit
   * hash key: all the records of one key share one parent key, on a shard and after resharding.
   * Give at least the `ParallelizationFactor`, or more: Lambda chooses which concurrent batch
   * each parent key goes to, and with few keys some batches may get none. From 1 to 1,000.
   * Default: off.
   *
   * Costs: more and smaller aggregates (each group fills its own, see the README); a lone user
   * record goes as an aggregate of one; a user record takes up to `maxRecordBytes` less the room
   * of that aggregate (up to 78 bytes and its group's key). Not with `aggregate: false` (each
   * record is its own parent then, in order per key already). On a service-managed stream, where
   * nothing is aggregated, it does nothing (said once in the log).
   */
  orderedGroupsPerShard?: number;
  /**
   * Bound on one PutRecords request, up to 10 MiB. Default 5 MiB, or the stream's record limit
   * when that is larger.
   */
  maxRequestBytes?: number;
  /** Bound on the records of one PutRecords request. Default and most 500. */
  maxRecordsPerRequest?: number;
  /**
   * Send a user record at the latest this long after it was put, as the KPL's
   * `RecordMaxBufferedTime`. Default 100 ms, at most `MAX_TIMER_MS` (the longest a timer waits);
   * `Infinity` sends only full aggregates and requests, and on `flush`. A full aggregate is sent at
   * once either way.
   */
  maxBufferedMs?: number;
  /**
   * Bound on the user records held (buffered, in flight, being retried). When a `put` reaches it,
   * `put` returns `false`; a `put` past it throws `KplProducerBufferFullError`. Default 100,000.
   */
  maxBufferedRecords?: number;
  /** Bound on the bytes (data plus partition keys) held, as `maxBufferedRecords`. Default 64 MiB. */
  maxBufferedBytes?: number;
  /** Tries per Kinesis record (first attempt included) before it is given up. Default 5. */
  maxAttempts?: number;
  /** Base of the exponential backoff with full jitter. Default 100 ms, at most `MAX_TIMER_MS`. */
  baseDelayMs?: number;
  /** Cap of the backoff. Default 5,000 ms, at most `MAX_TIMER_MS`. */
  maxDelayMs?: number;
  /** PutRecords requests in flight at once. Default 4. */
  maxConcurrentRequests?: number;
  /**
   * Learn the shard map again when it is older than this, and wait this long after a failed
   * `ListShards` before trying again. Default 60,000 ms, at most `MAX_TIMER_MS`.
   */
  shardMapMaxAgeMs?: number;
  /**
   * What the producer sends per shard at most, in percent of a shard's write limits (1 MiB and
   * 1,000 Kinesis records a second), as the KPL's `RateLimit`. Default 150; `Infinity` turns it off.
   * A Kinesis record that would go past it waits, and the other shards' records go meanwhile: a hot
   * key does not draw a storm of `ProvisionedThroughputExceededException`. It applies where the
   * producer knows the shard: aggregated records on a stream placed by partition key.
   */
  rateLimit?: number;
  /**
   * Give a Kinesis record up at its first `ProvisionedThroughputExceededException` instead of
   * retrying it, as the KPL's `FailIfThrottled`. Default `false`.
   */
  failIfThrottled?: boolean;
  /**
   * Give a user record up (`errorCode` `'EXPIRED'`) when it is not written this long after its
   * put, as the KPL's `RecordTtl`: whether it waited for retries, its shard's rate limit, or in an
   * aggregate. An aggregate goes with its oldest user record, as in the KPL. Default 30,000 ms;
   * `Infinity`: never.
   */
  recordTtlMs?: number;
  /**
   * Receives what the producer notices (`info`: resharding), handles (`warn`) and gives up
   * (`error`): a Powertools `Logger` or `console` fits, and one that throws changes nothing the
   * producer does. Default: warnings and errors as JSON lines on the console (core's
   * `consoleLogger`); `false` for none.
   */
  logger?: Pick<KplLogger, 'info' | 'warn' | 'error'> | false;
  /**
   * Takes each user record given up, as it is given up: the producer then keeps none of them for
   * `flush()` to report. Without it, records given up are held (and count against
   * `maxBufferedRecords` and `maxBufferedBytes`) until a `flush()` reports them, so that a
   * producer that never flushes, such as a server's, fills up with them. It may return a promise
   * (write the record elsewhere): a `flush()` waits for those of the records it waits for, and
   * the record is held until it settles. A record it throws or rejects for is held and reported
   * by `flush()` as without it (said once in the log): nothing is lost.
   */
  onUndeliverable?: (undeliverable: UndeliverableRecord) => unknown;
  /**
   * A Powertools `Metrics` (or anything with `addMetric`): each `flush()` adds what changed in
   * {@link ProducerCounters} since the last one, as `PRODUCER_METRIC_NAMES` name them, published
   * with your own metrics.
   */
  metrics?: KplMetrics;
}

/** A user record given up after its retries, with the last error Kinesis gave for it. */
export interface UndeliverableRecord {
  /** The record exactly as it was put. */
  record: ProducerRecord;
  /**
   * `ProvisionedThroughputExceededException`, `InternalFailure`, the failed call's error name,
   * `'EXPIRED'` (its `recordTtlMs` ran out), or the name of the producer's own error that gave it
   * up (`KplRecordTooLargeError`, `KplProducerConfigurationError`: see the README).
   */
  errorCode: string;
  errorMessage: string;
}

/** Where a user record put with {@link KinesisProducer.putWithResult} was written. */
export interface PutResult {
  shardId: string;
  /** The sequence number of the Kinesis record it went in (an aggregate's, when aggregated). */
  sequenceNumber: string;
  /** Its 0-based position in that aggregate; 0 for a plain record (as consumers read it back). */
  subSequenceNumber: number;
  /** Whether it went in a KPL aggregate. */
  aggregated: boolean;
  /** The PutRecords calls its Kinesis record took, the last one included. */
  attempts: number;
}

/** What {@link KinesisProducer.flush} reports. */
export interface FlushResult {
  /**
   * User records given up that the flush waited for or no flush reported before, and that
   * `onUndeliverable` (when given) did not take; empty when everything was written.
   */
  undeliverable: UndeliverableRecord[];
}

/** Counters since the producer was made. */
export interface ProducerCounters {
  /** User records accepted by `put`. */
  userRecordsPut: number;
  /** User records Kinesis acknowledged. */
  userRecordsWritten: number;
  /** Kinesis records (aggregates or plain records) Kinesis acknowledged. */
  kinesisRecordsWritten: number;
  /** Data plus partition key bytes of the Kinesis records written. */
  bytesWritten: number;
  /** PUT payload units (per started 25 KB of each record) of the Kinesis records written. */
  putPayloadUnits: number;
  /** PutRecords calls made. */
  putRecordsRequests: number;
  /** Kinesis records sent again after a failure. */
  retries: number;
  /** User records given up. */
  failedUserRecords: number;
  /** Aggregates that landed on a shard other than the one they were built for (resharding). */
  misroutedKinesisRecords: number;
  /** Kinesis records refused with `ProvisionedThroughputExceededException`, each time. */
  throttledKinesisRecords: number;
  /** Kinesis records that waited for their shard's rate limit (`rateLimit`), each once. */
  rateLimitedKinesisRecords: number;
  /** User records given up because their `recordTtlMs` ran out (also in `failedUserRecords`). */
  expiredUserRecords: number;
}
