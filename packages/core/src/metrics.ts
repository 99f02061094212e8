/**
 * Where kpl-lambda packages add their metrics: a Powertools `Metrics` fits (they are published
 * with the rest of yours, by `logMetrics` or `publishStoredMetrics`), or anything with this
 * method. Each package only adds; publishing stays with the owner of the instance.
 */
export interface KplMetrics {
  /** Adds one value of a metric, as Powertools' `Metrics.addMetric` does. */
  addMetric(name: string, unit: 'Count' | 'Percent', value: number): unknown;
}

/** What one Lambda invocation of either adapter saw and reported. */
export interface BatchMetrics {
  /** Kinesis records Lambda delivered. */
  parentRecords: number;
  /** User records they held (a plain record counts as one). */
  userRecords: number;
  /** User records that came out of aggregates. */
  aggregatedUserRecords: number;
  /** Parents that were aggregates whose body does not decode. */
  corruptAggregates: number;
  /** User records done in an earlier delivery, not handed again (checkpoints). */
  skippedByCheckpoints: number;
  /** User records that failed (or, by the response, could not be known to succeed). */
  failedUserRecords: number;
  /** Parents reported to Lambda in `batchItemFailures`. */
  parentsReported: number;
}

/** The metric names, as they appear in CloudWatch. */
export const BATCH_METRIC_NAMES: { readonly [K in keyof BatchMetrics]: string } & {
  aggregatedShare: string;
} = {
  parentRecords: 'KplParentRecords',
  userRecords: 'KplUserRecords',
  aggregatedUserRecords: 'KplAggregatedUserRecords',
  aggregatedShare: 'KplAggregatedShare',
  corruptAggregates: 'KplCorruptAggregates',
  skippedByCheckpoints: 'KplUserRecordsSkippedByCheckpoints',
  failedUserRecords: 'KplFailedUserRecords',
  parentsReported: 'KplParentsReported',
};

/**
 * Adds one invocation's metrics. A `Metrics` that throws (a full buffer, a bad name) changes
 * nothing of what Lambda is told: the error goes to `onError`.
 *
 * @example
 * ```ts
 * import { addBatchMetrics } from '@kpl-lambda/core';
 * addBatchMetrics(metrics, counts, (error) => logger.warn('Metrics refused', { error }));
 * ```
 */
export function addBatchMetrics(
  metrics: KplMetrics | undefined,
  counts: BatchMetrics,
  onError: (error: unknown) => void,
): void {
  if (metrics === undefined) return;
  try {
    for (const [key, name] of Object.entries(BATCH_METRIC_NAMES)) {
      if (key === 'aggregatedShare') {
        const share =
          counts.userRecords === 0 ? 0 : (100 * counts.aggregatedUserRecords) / counts.userRecords;
        metrics.addMetric(name, 'Percent', share);
      } else {
        metrics.addMetric(name, 'Count', counts[key as keyof BatchMetrics]);
      }
    }
  } catch (error) {
    onError(error);
  }
}
