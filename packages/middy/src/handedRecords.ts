// What kplDeagg() hands to the handler of a batch's user records, and what it fails before.
import {
  type BatchMetrics,
  type DecodeMetrics,
  decodeUserRecord,
  type KinesisStreamUserRecord,
  type KplLogger,
  type KplPayloadDecodeError,
  type PayloadDecoder,
} from '@kpl-lambda/core';
import type { CheckpointedBatch } from '@kpl-lambda/core/internal';
import type { KplDeaggOptions } from './types.js';

/** The records for the handler, and the user records that failed before it. */
export interface HandedRecords {
  /** In batch order: user records, or the records their data decoded to. */
  handed: KinesisStreamUserRecord[];
  /**
   * The parent of each user record failed before the handler: a corrupt aggregate under
   * `onCorrupt: 'fail'`, or data that does not decode.
   */
  failedBeforeHandler: string[];
  counts: Pick<
    BatchMetrics,
    'aggregatedUserRecords' | 'corruptAggregates' | 'skippedByCheckpoints'
  > &
    Partial<DecodeMetrics>;
  filtered: number;
}

/**
 * Sorts the user records: those done in an earlier delivery are skipped, corrupt aggregates
 * follow `onCorrupt`, the others are decoded (with `decode`) and filtered.
 */
export function handedRecords(
  userRecords: readonly KinesisStreamUserRecord[],
  {
    checkpointed,
    decoder,
    onCorrupt,
    filter,
    logger,
  }: Pick<KplDeaggOptions, 'onCorrupt' | 'filter'> & {
    checkpointed: CheckpointedBatch | undefined;
    decoder: PayloadDecoder | undefined;
    logger: Pick<KplLogger, 'warn'>;
  },
): HandedRecords {
  const handed: KinesisStreamUserRecord[] = [];
  const failedBeforeHandler: string[] = [];
  let aggregated = 0;
  let corrupt = 0;
  let filtered = 0;
  let alreadyDone = 0;
  let decoded = 0;
  let undecodable = 0;
  for (const userRecord of userRecords) {
    // Done in an earlier delivery of its parent: it counts as succeeded, and does not run again.
    if (checkpointed?.isDone(userRecord)) {
      alreadyDone++;
      continue;
    }
    const { deaggregationError, sequenceNumber, subSequenceNumber } = userRecord.kinesis;
    if (userRecord.kinesis.aggregated) aggregated++;
    let records = [userRecord];
    if (deaggregationError !== undefined) {
      corrupt++;
      logger.warn('Corrupt KPL aggregate', { sequenceNumber, deaggregationError, onCorrupt });
      if (onCorrupt === 'fail') {
        failedBeforeHandler.push(sequenceNumber);
        continue;
      }
    } else if (decoder !== undefined) {
      try {
        records = decodeUserRecord(userRecord, decoder);
        decoded += records.length;
      } catch (error) {
        // Decoding throws only KplPayloadDecodeError, whatever the bytes; anything else would be
        // a bug, and failing the user record keeps it all the same.
        undecodable++;
        logger.warn('User record data does not decode: reported as failed', {
          sequenceNumber,
          subSequenceNumber,
          reason: (error as Partial<KplPayloadDecodeError>).reason,
          error,
        });
        failedBeforeHandler.push(sequenceNumber);
        continue;
      }
    }
    for (const record of records) {
      if (filter && !filter(record)) filtered++;
      else handed.push(record);
    }
  }
  const counts: HandedRecords['counts'] = {
    aggregatedUserRecords: aggregated,
    corruptAggregates: corrupt,
    skippedByCheckpoints: alreadyDone,
  };
  if (decoder !== undefined) {
    counts.decodedRecords = decoded;
    counts.payloadDecodeFailures = undecodable;
  }
  return { handed, failedBeforeHandler, counts, filtered };
}
