import type { KinesisStreamRecordPayload } from 'aws-lambda';
import type { KinesisStreamUserRecordPayload } from '../types.js';

/** A field a user record adds to its parent's `kinesis` payload (`partitionKey` only changes). */
export type UserRecordField = Exclude<
  keyof KinesisStreamUserRecordPayload,
  keyof KinesisStreamRecordPayload
>;

// The compiler refuses this object when a field of the type is missing or one is not a field:
// every other list (the Powertools parser's, its Zod schema) is made from it or checked against it.
const FIELDS = {
  subSequenceNumber: true,
  aggregated: true,
  explicitHashKey: true,
  deaggregationError: true,
  deaggregationErrorReason: true,
  innerIndex: true,
  cloudWatchLogs: true,
} as const satisfies { readonly [K in UserRecordField]-?: true };

/**
 * The fields a user record adds to a Kinesis record's `kinesis` payload
 * ({@link KinesisStreamUserRecordPayload}), each once: what a schema made for plain Kinesis records
 * would strip.
 *
 * @example
 * ```ts
 * import { USER_RECORD_FIELDS } from '@kpl-lambda/core/internal';
 * for (const field of USER_RECORD_FIELDS) {
 *   if (userRecord.kinesis[field] !== undefined) parsed.kinesis[field] = userRecord.kinesis[field];
 * }
 * ```
 */
export const USER_RECORD_FIELDS: readonly UserRecordField[] = Object.freeze(
  Object.keys(FIELDS) as UserRecordField[],
);
