// The accounting of decoded records: the unit of a checkpoint stays the user record.
import type { KinesisStreamUserRecord } from '../types.js';

/** A user record within one batch (one shard): its parent's sequence number and its position. */
function userRecordKey({ kinesis }: KinesisStreamUserRecord): string {
  return `${kinesis.sequenceNumber}:${kinesis.subSequenceNumber}`;
}

/**
 * Of the records that succeeded, those whose user record is done: every record of it that was
 * handed to the handler succeeded. A user record the `decode` option split into several records
 * (an envelope's, each with an `innerIndex`) is done only whole: one whose records partly failed
 * is not, and runs again whole. Without envelopes, each user record is one record, and
 * `succeeded` is done as it is. What checkpoints record, and what a tumbling window folds.
 *
 * @example
 * ```ts
 * import { doneUserRecords } from '@kpl-lambda/core';
 * const done = doneUserRecords(handed, succeeded); // what a checkpoint may record
 * ```
 */
export function doneUserRecords(
  handed: Iterable<KinesisStreamUserRecord>,
  succeeded: Iterable<KinesisStreamUserRecord>,
): KinesisStreamUserRecord[] {
  const done = new Set(succeeded);
  const partlyFailed = new Set<string>();
  for (const record of handed) {
    if (record.kinesis.innerIndex !== undefined && !done.has(record)) {
      partlyFailed.add(userRecordKey(record));
    }
  }
  const records = [...done];
  return partlyFailed.size === 0
    ? records
    : records.filter((record) => !partlyFailed.has(userRecordKey(record)));
}

/**
 * How many user records these records are of: records decoded from one user record count once.
 *
 * @example
 * ```ts
 * import { countUserRecords } from '@kpl-lambda/core/internal';
 * const failedUserRecords = countUserRecords(processor.failureMessages);
 * ```
 */
export function countUserRecords(records: Iterable<KinesisStreamUserRecord>): number {
  const keys = new Set<string>();
  for (const record of records) keys.add(userRecordKey(record));
  return keys.size;
}
