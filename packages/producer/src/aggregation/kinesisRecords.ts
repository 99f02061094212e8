import { Buffer } from 'node:buffer';
import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { tallyOf, type UserRecordsTally } from '../HeldRecords.js';
import type { QueuedKinesisRecord } from '../sending/KinesisRecordQueues.js';
import type { BufferedUserRecord } from '../userRecords.js';
import type { ClosedAggregate } from './OpenAggregates.js';
import type { OrderedGroups } from './OrderedGroups.js';

/** A Kinesis record as it joins its queue: never sent yet. */
function queued(
  entry: PutRecordsRequestEntry,
  { sources, sequences, heldBytes, lastSequence }: UserRecordsTally,
  group: string,
  expectedShardId: string | undefined,
  bytes: number,
  firstPutAt: number,
  dueAt: number,
): QueuedKinesisRecord {
  return {
    entry,
    sources,
    sequences,
    heldBytes,
    lastSequence,
    group,
    expectedShardId,
    bytes,
    firstPutAt,
    attempts: 0,
    notBefore: 0,
    dueAt,
    inFlight: false,
    rateLimited: false,
    lastErrorCode: undefined,
  };
}

/** A user record sent on its own, in its group's queue. */
export function plainKinesisRecord(
  userRecord: BufferedUserRecord,
  group: string,
  shardId: string | undefined,
  dueAt: number,
): QueuedKinesisRecord {
  const { partitionKey, explicitHashKey, alone, putAt } = userRecord;
  const entry: PutRecordsRequestEntry = { Data: alone };
  if (partitionKey !== undefined) entry.PartitionKey = partitionKey;
  if (explicitHashKey !== undefined) entry.ExplicitHashKey = explicitHashKey;
  // Without a key, Kinesis counts the data alone (the room kept for a key is not sent).
  const bytes = partitionKey === undefined ? alone.length : userRecord.bytes;
  return queued(entry, tallyOf([userRecord]), group, shardId, bytes, putAt, dueAt);
}

/**
 * A finished aggregate (or a lone user record the aggregator gave back plain), in its queue. It
 * is full, or has waited its time: it is due at once. With ordered groups it goes under its
 * group's partition key (see `OrderedGroups`).
 */
export function aggregatedKinesisRecord(
  { aggregated, group, shardId, openedAt, sequences, heldBytes, lastSequence }: ClosedAggregate,
  groups: OrderedGroups | undefined,
): QueuedKinesisRecord {
  const { data, userRecords: sources } = aggregated;
  // The aggregate goes where its first user record goes: that record's explicit hash key, or
  // else its partition key, which is the aggregate's unless it goes under its group's.
  const { partitionKey, explicitHashKey } =
    groups === undefined ? aggregated : groups.parentKeysOf(aggregated);
  const entry: PutRecordsRequestEntry = { Data: data, PartitionKey: partitionKey };
  if (explicitHashKey !== undefined) entry.ExplicitHashKey = explicitHashKey;
  const bytes = data.length + Buffer.byteLength(partitionKey, 'utf8');
  const tally = { sources, sequences, heldBytes, lastSequence };
  return queued(entry, tally, group, shardId, bytes, openedAt, 0);
}
