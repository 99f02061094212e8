import type {
  BatchOnCorrupt,
  CheckpointStore,
  DecodeOptions,
  KinesisStreamUserRecord,
  KplLogger,
  KplMetrics,
} from '@kpl-lambda/core';
import type { KinesisStreamBatchResponse, KinesisStreamStateResponse } from 'aws-lambda';

/** What to do with a corrupt aggregate: core's {@link BatchOnCorrupt}. */
export type KplDeaggOnCorrupt = BatchOnCorrupt;

/** Options of `kplDeagg()`. */
export interface KplDeaggOptions {
  /** What to do with a corrupt aggregate. Default `'passthrough'`. */
  onCorrupt?: KplDeaggOnCorrupt;
  /**
   * Keeps only the user records for which it returns true; the others count as processed.
   * What Lambda's `FilterCriteria` cannot do on binary aggregates.
   */
  filter?: (userRecord: KinesisStreamUserRecord) => boolean;
  /**
   * Receives a debug summary per invocation, a warning per corrupt aggregate, an error per
   * failure it cannot map: a Powertools `Logger` or `console` fits, and one that throws changes
   * nothing the middleware tells Lambda. Default: warnings and errors as JSON lines on the
   * console (core's `consoleLogger`); `false` for none.
   */
  logger?: Pick<KplLogger, 'debug' | 'warn' | 'error'> | false;
  /**
   * Where the user records of each parent that are done are kept (`@kpl-lambda/checkpoints`):
   * user records done in an earlier delivery are not handed to the handler again, and progress
   * is recorded where Lambda will deliver again. See the README for what counts as done.
   */
  checkpoints?: CheckpointStore;
  /**
   * A Powertools `Metrics` (or anything with `addMetric`): per invocation, the counts of
   * `BATCH_METRIC_NAMES` (parents, user records, aggregated share, corrupt aggregates, skipped
   * by checkpoints, failed user records, parents reported), published with your own metrics.
   */
  metrics?: KplMetrics;
  /**
   * Decodes each user record's data before the handler sees it: decompresses it (`gzip`,
   * `zlib`, `deflate-raw`, `zstd`) within `maxDecodedBytes`, and splits an envelope
   * (`cloudwatch-logs`, `lines`) into one record per log event or line, each with its user
   * record's identity and `innerIndex`. A user record whose data does not decode is reported
   * as failed, never handed. Checked when `kplDeagg()` is called (zstd needs Node.js 22.15).
   */
  decode?: DecodeOptions;
}

/**
 * What a handler behind `kplDeagg()` may return, for `middy<KinesisStreamEvent,
 * KplDeaggResponse>()`: a `KinesisStreamBatchResponse`, one `PromiseSettledResult` per user
 * record handed (Middy's batch convention, which the middleware turns into the
 * `KinesisStreamBatchResponse` Lambda gets), or nothing; inside a tumbling window, `{ state,
 * batchItemFailures }` (`KinesisStreamStateResponse`). Middy types the handler's result with
 * the `TResult` given to `middy()`; `.handler<KinesisStreamEvent, KinesisStreamBatchResponse>()`
 * then types what Lambda gets back.
 *
 * @example
 * ```ts
 * import kplDeagg, { type KplDeaggResponse } from '@kpl-lambda/middy';
 * import middy from '@middy/core';
 * import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
 *
 * export const handler = middy<KinesisStreamEvent, KplDeaggResponse>()
 *   .use(kplDeagg())
 *   .handler<KinesisStreamEvent, KinesisStreamBatchResponse>(async (event) =>
 *     Promise.allSettled(event.Records.map(async (record) => save(record))),
 *   );
 * ```
 */
export type KplDeaggResponse =
  | KinesisStreamBatchResponse
  | KinesisStreamStateResponse
  | PromiseSettledResult<unknown>[]
  | undefined;
