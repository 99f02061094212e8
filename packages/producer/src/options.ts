import { DEFAULT_MAX_AGGREGATE_BYTES, MAX_KINESIS_RECORD_BYTES } from '@kpl-lambda/core';
import {
  assertIntegerIn,
  assertKnownOptions,
  assertLogger,
  assertMetrics,
  assertOneOf,
  assertTimerMs,
  assertTypeOf,
  optionNames,
} from '@kpl-lambda/core/internal';
import {
  MAX_ORDERED_GROUPS_PER_SHARD,
  orderedGroupsReserveBytes,
} from './aggregation/OrderedGroups.js';
import {
  DEFAULT_AGGREGATION_MAX_BYTES,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_BUFFERED_MS,
  DEFAULT_MAX_BUFFERED_RECORDS,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RECORD_TTL_MS,
  MAX_RECORDS_PER_REQUEST,
  MAX_REQUEST_BYTES_LIMIT,
} from './constants.js';
import { KplProducerConfigurationError } from './errors.js';
import type { KinesisProducerOptions, RecordDistributionOption } from './types.js';

const defaults = {
  aggregate: true,
  maxRecordBytes: DEFAULT_MAX_AGGREGATE_BYTES,
  aggregationMaxBytes: DEFAULT_AGGREGATION_MAX_BYTES,
  aggregationMaxCount: Number.POSITIVE_INFINITY,
  maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
  maxRecordsPerRequest: MAX_RECORDS_PER_REQUEST,
  maxBufferedMs: DEFAULT_MAX_BUFFERED_MS,
  maxBufferedRecords: DEFAULT_MAX_BUFFERED_RECORDS,
  maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES,
  maxAttempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  maxConcurrentRequests: 4,
  shardMapMaxAgeMs: 60_000,
  recordDistribution: 'detect' as RecordDistributionOption,
  rateLimit: DEFAULT_RATE_LIMIT,
  failIfThrottled: false,
  recordTtlMs: DEFAULT_RECORD_TTL_MS,
};

const RECORD_DISTRIBUTIONS: readonly RecordDistributionOption[] = [
  'detect',
  'USER_PARTITION_KEY',
  'AUTO',
];

const KINESIS_PRODUCER_OPTIONS = optionNames<KinesisProducerOptions>({
  client: true,
  streamName: true,
  streamARN: true,
  aggregate: true,
  partitionKeyFrom: true,
  maxRecordBytes: true,
  aggregationMaxBytes: true,
  aggregationMaxCount: true,
  orderedGroupsPerShard: true,
  maxRequestBytes: true,
  maxRecordsPerRequest: true,
  maxBufferedMs: true,
  maxBufferedRecords: true,
  maxBufferedBytes: true,
  maxAttempts: true,
  baseDelayMs: true,
  maxDelayMs: true,
  maxConcurrentRequests: true,
  shardMapMaxAgeMs: true,
  logger: true,
  metrics: true,
  onUndeliverable: true,
  recordDistribution: true,
  rateLimit: true,
  failIfThrottled: true,
  recordTtlMs: true,
});

/** The options with every default filled in, checked. */
export type ResolvedProducerOptions = typeof defaults &
  Pick<
    KinesisProducerOptions,
    | 'client'
    | 'partitionKeyFrom'
    | 'logger'
    | 'metrics'
    | 'onUndeliverable'
    | 'orderedGroupsPerShard'
  > & {
    stream: { StreamName: string } | { StreamARN: string };
    /** The options given (not left to their defaults): what the stream's own facts may not change. */
    given: ReadonlySet<keyof KinesisProducerOptions>;
  };

/** Fills in the defaults and checks every option, naming the first one that is wrong. */
export function resolveProducerOptions(options: KinesisProducerOptions): ResolvedProducerOptions {
  if (options === null || typeof options !== 'object') {
    throw new KplProducerConfigurationError('Give the producer its options', { option: 'options' });
  }
  const E = (option: string, message: string) =>
    new KplProducerConfigurationError(message, { option });
  // A misspelt option would otherwise run with its default.
  assertKnownOptions(options, KINESIS_PRODUCER_OPTIONS, E);
  const given = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as KinesisProducerOptions;
  const resolved = { ...defaults, ...given };
  const { streamName, streamARN, client, logger } = resolved;
  const { partitionKeyFrom } = resolved;
  if (typeof (client as { send?: unknown } | undefined)?.send !== 'function') {
    throw E('client', 'client must be a KinesisClient of the AWS SDK v3');
  }
  if (streamName === undefined && streamARN === undefined) {
    throw E('streamName', 'Give streamName or streamARN');
  }
  assertTypeOf('streamName', streamName, 'string', E);
  assertTypeOf('streamARN', streamARN, 'string', E);
  assertTypeOf('aggregate', resolved.aggregate, 'boolean', E);
  assertLogger(logger, ['info', 'warn', 'error'], E);
  assertMetrics(resolved.metrics, E);
  assertTypeOf('onUndeliverable', resolved.onUndeliverable, 'function', E);
  if (partitionKeyFrom !== undefined && !['string', 'function'].includes(typeof partitionKeyFrom)) {
    throw E(
      'partitionKeyFrom',
      'partitionKeyFrom must be a field name or a function of the record',
    );
  }
  const { maxRecordBytes } = resolved;
  assertIntegerIn('maxRecordBytes', maxRecordBytes, 1, MAX_KINESIS_RECORD_BYTES, E);
  assertIntegerIn(
    'maxRequestBytes',
    resolved.maxRequestBytes,
    maxRecordBytes,
    MAX_REQUEST_BYTES_LIMIT,
    E,
  );
  assertIntegerIn(
    'aggregationMaxBytes',
    resolved.aggregationMaxBytes,
    1,
    MAX_KINESIS_RECORD_BYTES,
    E,
  );
  assertIntegerIn(
    'aggregationMaxCount',
    resolved.aggregationMaxCount,
    1,
    Number.POSITIVE_INFINITY,
    E,
  );
  assertIntegerIn(
    'maxRecordsPerRequest',
    resolved.maxRecordsPerRequest,
    1,
    MAX_RECORDS_PER_REQUEST,
    E,
  );
  // Infinity sets no timer: only full aggregates and requests, and flush(), send.
  assertTimerMs('maxBufferedMs', resolved.maxBufferedMs, { never: true }, E);
  assertIntegerIn(
    'maxBufferedRecords',
    resolved.maxBufferedRecords,
    1,
    Number.POSITIVE_INFINITY,
    E,
  );
  assertIntegerIn(
    'maxBufferedBytes',
    resolved.maxBufferedBytes,
    maxRecordBytes,
    Number.POSITIVE_INFINITY,
    E,
  );
  assertIntegerIn('maxAttempts', resolved.maxAttempts, 1, Number.MAX_SAFE_INTEGER, E);
  assertTimerMs('baseDelayMs', resolved.baseDelayMs, {}, E);
  assertTimerMs('maxDelayMs', resolved.maxDelayMs, {}, E);
  assertIntegerIn(
    'maxConcurrentRequests',
    resolved.maxConcurrentRequests,
    1,
    Number.MAX_SAFE_INTEGER,
    E,
  );
  // No Infinity: it is also the wait before a failed ListShards is tried again.
  assertTimerMs('shardMapMaxAgeMs', resolved.shardMapMaxAgeMs, {}, E);
  assertOneOf('recordDistribution', resolved.recordDistribution, RECORD_DISTRIBUTIONS, E);
  if (resolved.recordDistribution === 'AUTO' && given.aggregate === true) {
    throw E('aggregate', AGGREGATION_ON_AUTO);
  }
  // A percentage of a shard's write limits, as the KPL's RateLimit; Infinity turns it off.
  assertIntegerIn('rateLimit', resolved.rateLimit, 1, Number.POSITIVE_INFINITY, E);
  assertTypeOf('failIfThrottled', resolved.failIfThrottled, 'boolean', E);
  assertTimerMs('recordTtlMs', resolved.recordTtlMs, { min: 1, never: true }, E);
  assertOrderedGroups(resolved, E);
  return {
    ...resolved,
    // An aggregate is a Kinesis record: it can never be larger than one.
    aggregationMaxBytes: Math.min(resolved.aggregationMaxBytes, maxRecordBytes),
    partitionKeyFrom,
    stream: streamARN === undefined ? { StreamName: streamName! } : { StreamARN: streamARN },
    given: new Set(Object.keys(given) as Array<keyof KinesisProducerOptions>),
  };
}

/** `orderedGroupsPerShard`, and the options it needs: aggregates, and room for an aggregate of one. */
function assertOrderedGroups(
  resolved: typeof defaults & KinesisProducerOptions,
  E: (option: string, message: string) => KplProducerConfigurationError,
): void {
  const groups = resolved.orderedGroupsPerShard;
  if (groups === undefined) return;
  const option = 'orderedGroupsPerShard';
  assertIntegerIn(option, groups, 1, MAX_ORDERED_GROUPS_PER_SHARD, E);
  if (!resolved.aggregate) {
    throw E(
      option,
      'orderedGroupsPerShard groups aggregates; without aggregation each record is its own parent, whose partition key Lambda keeps in order already. Leave one of them out',
    );
  }
  if (resolved.recordDistribution === 'AUTO') {
    throw E(
      option,
      'orderedGroupsPerShard groups aggregates, which a service-managed stream (recordDistribution AUTO) does not take; nor can any producer keep an order per key there. Leave it out',
    );
  }
  const reserve = orderedGroupsReserveBytes(groups);
  for (const bound of ['maxRecordBytes', 'aggregationMaxBytes'] as const) {
    if (resolved[bound] <= reserve) {
      throw E(
        bound,
        `With orderedGroupsPerShard ${groups}, ${bound} must be larger than ${reserve} bytes: a user record may be sent as an aggregate of one under its group's partition key, which takes up to that much more`,
      );
    }
  }
}

/** Why `aggregate: true` cannot be taken on a service-managed stream. */
export const AGGREGATION_ON_AUTO =
  "The stream's record distribution is AUTO (service-managed): Kinesis places every record on a shard of its choosing, and KCL consumers drop a KPL aggregate that lands on a shard its user records' keys do not belong to. Leave aggregate out (the producer then sends plain records) or set it to false";
