import type { KplLogger, KplMetrics } from '@kpl-lambda/core';
import { addMetrics } from '@kpl-lambda/core/internal';
import type { ProducerCounters } from './types.js';

/** The producer's metric names, as they appear in CloudWatch. */
export const PRODUCER_METRIC_NAMES: { readonly [K in keyof ProducerCounters]: string } = {
  userRecordsPut: 'KplProducerUserRecordsPut',
  userRecordsWritten: 'KplProducerUserRecordsWritten',
  kinesisRecordsWritten: 'KplProducerKinesisRecordsWritten',
  bytesWritten: 'KplProducerBytesWritten',
  putPayloadUnits: 'KplProducerPutPayloadUnits',
  putRecordsRequests: 'KplProducerPutRecordsRequests',
  retries: 'KplProducerRetries',
  failedUserRecords: 'KplProducerFailedUserRecords',
  misroutedKinesisRecords: 'KplProducerMisroutedKinesisRecords',
  throttledKinesisRecords: 'KplProducerThrottledKinesisRecords',
  rateLimitedKinesisRecords: 'KplProducerRateLimitedKinesisRecords',
  expiredUserRecords: 'KplProducerExpiredUserRecords',
};

/** Every counter at zero, as a new producer's are. */
export function zeroProducerCounters(): ProducerCounters {
  return {
    userRecordsPut: 0,
    userRecordsWritten: 0,
    kinesisRecordsWritten: 0,
    bytesWritten: 0,
    putPayloadUnits: 0,
    putRecordsRequests: 0,
    retries: 0,
    failedUserRecords: 0,
    misroutedKinesisRecords: 0,
    throttledKinesisRecords: 0,
    rateLimitedKinesisRecords: 0,
    expiredUserRecords: 0,
  };
}

/**
 * What adds the counters to `metrics` at each flush: what changed since the flush before, so that
 * concurrent flushes add each change once. A `Metrics` that throws or rejects changes nothing of
 * what the producer does: the error is logged. Without `metrics`, adds nothing.
 */
export function producerMetricsAdder(
  metrics: KplMetrics | undefined,
  counters: ProducerCounters,
  log: Pick<KplLogger, 'warn'>,
): () => void {
  let added = { ...counters };
  const onError = (error: unknown) =>
    log.warn('The metrics instance refused the producer metrics', { error });
  return () => {
    if (metrics === undefined) return;
    const now = { ...counters };
    addMetrics(
      metrics,
      Object.entries(PRODUCER_METRIC_NAMES).map(([key, name]) => {
        const field = key as keyof ProducerCounters;
        return [name, 'Count', now[field] - added[field]] as const;
      }),
      onError,
    );
    added = now;
  };
}
