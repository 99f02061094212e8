import type { KinesisStreamUserRecord } from '@kpl-lambda/core';

/**
 * What to do with a corrupt aggregate (its MD5 digest matches, its body does not decode).
 * - `'passthrough'` (default): hand it to the handler unchanged, with `kinesis.deaggregationError`.
 * - `'throw'`: fail the invocation with `KplDecodeError`; Lambda retries the batch.
 * - `'fail'`: keep it from the handler and report its sequence number in `batchItemFailures`,
 *   so that Lambda's retries and on-failure destination deal with it while the rest goes on.
 *   Needs `FunctionResponseTypes: [ReportBatchItemFailures]` on the event source mapping.
 */
export type KplDeaggOnCorrupt = 'passthrough' | 'throw' | 'fail';

/** The logging methods used; a Powertools `Logger` or `console` fits. */
export interface KplDeaggLogger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

/** Options of `kplDeagg()`. */
export interface KplDeaggOptions {
  /** What to do with a corrupt aggregate. Default `'passthrough'`. */
  onCorrupt?: KplDeaggOnCorrupt;
  /**
   * Keeps only the user records for which it returns true; the others count as processed.
   * What Lambda's `FilterCriteria` cannot do on binary aggregates.
   */
  filter?: (userRecord: KinesisStreamUserRecord) => boolean;
  /** Receives a debug summary per invocation and a warning per corrupt aggregate. */
  logger?: KplDeaggLogger;
}
