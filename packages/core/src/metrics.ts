import { absorbRejection } from './logger.js';

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

/** What the `decode` option adds to an invocation's metrics, only where it is set. */
export interface DecodeMetrics {
  /** Records the user records' data decoded to (a log event, a line, a decompressed record). */
  decodedRecords: number;
  /** User records whose data did not decode (reported as failed, counted in `failedUserRecords`). */
  payloadDecodeFailures: number;
}

/** The names of the {@link DecodeMetrics}, as they appear in CloudWatch. */
export const DECODE_METRIC_NAMES: { readonly [K in keyof DecodeMetrics]: string } = {
  decodedRecords: 'KplDecodedRecords',
  payloadDecodeFailures: 'KplPayloadDecodeFailures',
};

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
 * Adds one invocation's metrics, and the {@link DecodeMetrics} when `counts` has them. A `Metrics`
 * that throws (a full buffer, a bad name) or returns a promise that rejects changes nothing of
 * what Lambda is told: the error goes to `onError`.
 *
 * @example
 * ```ts
 * import { addBatchMetrics } from '@kpl-lambda/core/internal';
 * addBatchMetrics(metrics, counts, (error) => logger.warn('Metrics refused', { error }));
 * ```
 */
export function addBatchMetrics(
  metrics: KplMetrics | undefined,
  counts: BatchMetrics & Partial<DecodeMetrics>,
  onError: (error: unknown) => void,
): void {
  if (metrics === undefined) return;
  const values: Array<[string, 'Count' | 'Percent', number]> = Object.entries(
    BATCH_METRIC_NAMES,
  ).map(([key, name]) =>
    key === 'aggregatedShare'
      ? [
          name,
          'Percent',
          counts.userRecords === 0 ? 0 : (100 * counts.aggregatedUserRecords) / counts.userRecords,
        ]
      : [name, 'Count', counts[key as keyof BatchMetrics]],
  );
  for (const [key, name] of Object.entries(DECODE_METRIC_NAMES)) {
    const value = counts[key as keyof DecodeMetrics];
    if (value !== undefined) values.push([name, 'Count', value]);
  }
  addMetrics(metrics, values, onError);
}

/**
 * Adds each `[name, unit, value]` to a user's metrics sink, in order. A sink that throws stops
 * the rest and hands the error to `onError`, once; one whose `addMetric` returns a promise that
 * rejects has each rejection handed to `onError` too, never left unhandled. For every package's
 * metrics, so that a sink never changes what the caller does.
 *
 * @example
 * ```ts
 * import { addMetrics } from '@kpl-lambda/core/internal';
 * addMetrics(metrics, [['KplProducerRetries', 'Count', 2]], (error) => log.warn('Metrics refused', { error }));
 * ```
 */
export function addMetrics(
  metrics: KplMetrics,
  values: ReadonlyArray<readonly [name: string, unit: 'Count' | 'Percent', value: number]>,
  onError: (error: unknown) => void,
): void {
  const reportOnce = once(onError);
  try {
    for (const [name, unit, value] of values) {
      absorbRejection(metrics.addMetric(name, unit, value), reportOnce);
    }
  } catch (error) {
    reportOnce(error);
  }
}

/** `onError` called at most once per batch of metrics, and never throwing. */
function once(onError: (error: unknown) => void): (error: unknown) => void {
  let called = false;
  return (error) => {
    if (called) return;
    called = true;
    try {
      onError(error);
    } catch {
      // The caller's own logging failed: nothing more to do, and nothing to change.
    }
  };
}
