import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import {
  aggregate,
  assertValidKeys,
  isAggregated,
  KplInvalidRecordError,
  KplRecordTooLargeError,
} from '@kpl-lambda/core';
import { tallyOf, type UserRecordsTally } from './HeldRecords.js';
import type { BufferedUserRecord, QueuedKinesisRecord } from './KinesisRecordQueues.js';
import type { ClosedAggregate } from './OpenAggregates.js';
import type { ResolvedProducerOptions } from './options.js';
import type { PartitionKeys } from './PartitionKeys.js';
import type { ProducerRecord } from './types.js';

/**
 * Checks and measures a record at put, so that nothing is refused later: keys Kinesis accepts
 * (a partition key once, while `partitionKeys` remembers it), data that serialises, a size within
 * `maxRecordBytes`.
 */
export function toBufferedUserRecord(
  record: ProducerRecord,
  sequence: number,
  putAt: number,
  options: Pick<ResolvedProducerOptions, 'partitionKeyFrom' | 'maxRecordBytes'>,
  partitionKeys: PartitionKeys,
): BufferedUserRecord {
  if (record === null || typeof record !== 'object' || record.data === undefined) {
    throw new KplInvalidRecordError('A record needs data');
  }
  const given = partitionKeyOf(record, options.partitionKeyFrom);
  const key = partitionKeys.know(given);
  const partitionKey = key?.partitionKey ?? given;
  const { explicitHashKey } = record;
  if (explicitHashKey !== undefined) assertValidKeys(partitionKey, explicitHashKey);
  const data = serialize(record.data);
  // Data that would pass for an aggregate goes alone as an aggregate of one (see core).
  const alone = isAggregated(data)
    ? aggregate(
        [{ partitionKey, data, ...(explicitHashKey === undefined ? {} : { explicitHashKey }) }],
        {
          aggregateSingleRecord: true,
          maxBytes: options.maxRecordBytes,
        },
      )[0]!.data
    : data;
  const bytes = alone.length + (key?.bytes ?? Buffer.byteLength(partitionKey, 'utf8'));
  if (bytes > options.maxRecordBytes)
    throw new KplRecordTooLargeError(bytes, options.maxRecordBytes);
  return {
    partitionKey,
    checkedPartitionKey: key,
    data,
    alone,
    source: record,
    bytes,
    sequence,
    putAt,
    explicitHashKey,
  };
}

function partitionKeyOf(
  record: ProducerRecord,
  option: ResolvedProducerOptions['partitionKeyFrom'],
): string {
  if (record.partitionKey !== undefined) return record.partitionKey;
  if (typeof option === 'function') {
    try {
      return option(record);
    } catch (error) {
      throw new KplInvalidRecordError('The partitionKeyFrom function threw for this record', {
        cause: error,
      });
    }
  }
  if (typeof option === 'string' && isJsonObject(record.data)) {
    const value = (record.data as { [key: string]: unknown })[option];
    if (value !== undefined && value !== null && value !== '') return String(value);
  }
  return randomUUID();
}

function serialize(data: ProducerRecord['data']): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new KplInvalidRecordError('Record data cannot be serialised as JSON', { cause: error });
  }
  // JSON.stringify gives undefined for a function or a symbol: there is nothing to write.
  if (typeof json !== 'string') {
    throw new KplInvalidRecordError(
      `Record data of type ${typeof data} cannot be serialised as JSON`,
    );
  }
  return Buffer.from(json, 'utf8');
}

function isJsonObject(data: ProducerRecord['data']): boolean {
  return (
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    !(data instanceof Uint8Array)
  );
}

function queued(
  entry: PutRecordsRequestEntry,
  { userRecords, heldBytes, lastSequence }: UserRecordsTally,
  group: string,
  expectedShardId: string | undefined,
  bytes: number,
  dueAt: number,
): QueuedKinesisRecord {
  return {
    entry,
    userRecords,
    heldBytes,
    lastSequence,
    group,
    expectedShardId,
    bytes,
    attempts: 0,
    notBefore: 0,
    dueAt,
    inFlight: false,
  };
}

/** A user record sent on its own, in its group's queue. */
export function plainKinesisRecord(
  userRecord: BufferedUserRecord,
  group: string,
  shardId: string | undefined,
  dueAt: number,
): QueuedKinesisRecord {
  const entry: PutRecordsRequestEntry = {
    Data: userRecord.alone,
    PartitionKey: userRecord.partitionKey,
  };
  if (userRecord.explicitHashKey !== undefined) entry.ExplicitHashKey = userRecord.explicitHashKey;
  return queued(entry, tallyOf([userRecord]), group, shardId, userRecord.bytes, dueAt);
}

/**
 * A finished aggregate (or a lone user record the aggregator gave back plain), in its queue. It
 * is full, or has waited its time: it is due at once.
 */
export function aggregatedKinesisRecord({
  aggregated,
  group,
  shardId,
  heldBytes,
  lastSequence,
}: ClosedAggregate): QueuedKinesisRecord {
  const { partitionKey, explicitHashKey, data, userRecords } = aggregated;
  const entry: PutRecordsRequestEntry = { Data: data, PartitionKey: partitionKey };
  // The aggregate goes where its first user record goes: that record's explicit hash key, or
  // else its partition key, which is the aggregate's.
  if (explicitHashKey !== undefined) entry.ExplicitHashKey = explicitHashKey;
  const bytes = data.length + Buffer.byteLength(partitionKey, 'utf8');
  return queued(entry, { userRecords, heldBytes, lastSequence }, group, shardId, bytes, 0);
}
