// What the processor registers: the user records, or with `decode` what their data decodes to;
// and what its metrics count of them before decoding.
import {
  deaggregateRecords,
  decodeUserRecord,
  type KinesisStreamUserRecord,
  KplInvalidRecordError,
  type PayloadDecoder,
} from '@kpl-lambda/core';
import { deaggregationModeOf } from '@kpl-lambda/core/internal';
import type { KinesisStreamRecord } from 'aws-lambda';
import { KplBatchConfigurationError } from './errors.js';
import type { Invocation } from './invocations.js';
import type { KplBatchOnCorrupt } from './types.js';

export /**
 * The user records of a batch. Data that is not base64 means the event was parsed before the
 * processor saw it (a schema with `Base64Encoded`, the parser middleware): the aggregates are
 * lost, and the invocation fails saying where the schema goes.
 */
function deaggregateParents(
  records: KinesisStreamRecord[],
  onCorrupt: KplBatchOnCorrupt,
): KinesisStreamUserRecord[] {
  try {
    return deaggregateRecords(records, { onCorrupt: deaggregationModeOf(onCorrupt) });
  } catch (error) {
    if (!(error instanceof KplInvalidRecordError)) throw error;
    throw new KplBatchConfigurationError(
      `${error.message}. Give the processor the event Lambda sent, and the schema to the ` +
        'processor, which deaggregates before any schema sees a record: ' +
        'new KplBatchProcessor({ parser, schema })',
      { option: 'parser', cause: error },
    );
  }
}

/**
 * Each user record's decoded records in its place. One whose data does not decode stays, kept in
 * `invocation.undecodable` with why, to be failed in `processRecord` in its place in batch order
 * (records failed in `register` would be wiped by `prepare()`). A corrupt aggregate stays as it
 * is, and follows `onCorrupt`.
 */
export function decodedInPlace(
  userRecords: KinesisStreamUserRecord[],
  decoder: PayloadDecoder,
  invocation: Invocation,
): KinesisStreamUserRecord[] {
  const records: KinesisStreamUserRecord[] = [];
  const undecodable = new Map<object, Error>();
  let decodedRecords = 0;
  for (const userRecord of userRecords) {
    if (userRecord.kinesis.deaggregationError !== undefined) {
      records.push(userRecord);
      continue;
    }
    try {
      const decoded = decodeUserRecord(userRecord, decoder);
      decodedRecords += decoded.length;
      records.push(...decoded);
    } catch (error) {
      // Decoding throws only KplPayloadDecodeError, whatever the bytes; anything else would be a
      // bug, and failing the user record keeps it all the same.
      undecodable.set(userRecord, error as Error);
      records.push(userRecord);
    }
  }
  invocation.undecodable = undecodable;
  if (invocation.counts !== undefined) {
    invocation.counts.decodedRecords = decodedRecords;
    invocation.counts.payloadDecodeFailures = undecodable.size;
  }
  return records;
}

/** What the metrics say of the user records themselves, whatever they decode to. */
export function userRecordCounts(
  userRecords: KinesisStreamUserRecord[],
): NonNullable<Invocation['counts']> {
  let aggregatedUserRecords = 0;
  let corruptAggregates = 0;
  for (const { kinesis } of userRecords) {
    if (kinesis.aggregated) aggregatedUserRecords++;
    if (kinesis.deaggregationError !== undefined) corruptAggregates++;
  }
  return { userRecords: userRecords.length, aggregatedUserRecords, corruptAggregates };
}
