import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import {
  aggregate,
  assertValidKeys,
  closestNames,
  deaggregateBytes,
  isAggregated,
  KplInvalidRecordError,
  KplRecordTooLargeError,
} from '@kpl-lambda/core';
import { tallyOf, type UserRecordsTally } from './HeldRecords.js';
import type { QueuedKinesisRecord } from './KinesisRecordQueues.js';
import type { KnownPartitionKey } from './KnownPartitionKey.js';
import type { ClosedAggregate } from './OpenAggregates.js';
import type { ResolvedProducerOptions } from './options.js';
import { PartitionKeys } from './PartitionKeys.js';
import type { ProducerRecord } from './types.js';

/**
 * A user record checked and measured at put, with what it came from and when it was put. Most
 * live only during their put: an aggregate keeps only their sources and sequence numbers (see
 * `OpenAggregates`); those that wait for the shard map are kept whole.
 */
export interface BufferedUserRecord {
  /** The partition key: while the producer remembers it, the string first put with its text. */
  partitionKey: string;
  /** The key as the producer remembers it; undefined while it remembers none. */
  checkedPartitionKey: KnownPartitionKey | undefined;
  /** Present on every record, undefined on most: one shape for V8 whichever a producer puts. */
  explicitHashKey: string | undefined;
  data: Uint8Array;
  /**
   * What goes to Kinesis when the record is sent on its own: its data, or, when its data would
   * pass for a KPL aggregate, an aggregate of one holding it (so that it arrives as it was put).
   */
  alone: Uint8Array;
  source: ProducerRecord;
  /** Data plus partition key as Kinesis counts the record sent alone: measured once, at put. */
  bytes: number;
  /** Put order: flushes wait by it, and records are aggregated again in it after resharding. */
  sequence: number;
  putAt: number;
}

type MeasureOptions = Pick<ResolvedProducerOptions, 'partitionKeyFrom' | 'maxRecordBytes'>;

const NO_DATA = new Uint8Array();

/** A record to measure a user record into: every one has all the fields, so V8 sees one shape. */
export function blankUserRecord(): BufferedUserRecord {
  return {
    partitionKey: '',
    checkedPartitionKey: undefined,
    explicitHashKey: undefined,
    data: NO_DATA,
    alone: NO_DATA,
    source: { data: NO_DATA },
    bytes: 0,
    sequence: -1,
    putAt: 0,
  };
}

/**
 * Checks and measures a record at put, so that nothing is refused later: keys Kinesis accepts
 * (a partition key once, while `partitionKeys` remembers it), data that serialises, a size within
 * `maxRecordBytes`. Written into `into` when given (see `KinesisProducer`'s `#putting`): every
 * field at the end, after the user's code (`partitionKeyFrom`, `toJSON`) has run. The rare cases
 * (a derived key, data to serialise, data that looks aggregated) are functions of their own: V8
 * inlines only so much bytecode into its caller, and the common case is what should fit.
 */
export function toBufferedUserRecord(
  record: ProducerRecord,
  sequence: number,
  putAt: number,
  options: MeasureOptions,
  partitionKeys: PartitionKeys,
  into: BufferedUserRecord = blankUserRecord(),
): BufferedUserRecord {
  if (record === null || typeof record !== 'object' || record.data === undefined) {
    throw new KplInvalidRecordError('A record needs data');
  }
  const given =
    record.partitionKey !== undefined
      ? record.partitionKey
      : derivedPartitionKey(record, options.partitionKeyFrom);
  const key = partitionKeys.know(given);
  const partitionKey = key?.partitionKey ?? given;
  const { explicitHashKey } = record;
  if (explicitHashKey !== undefined) assertValidKeys(partitionKey, explicitHashKey);
  const putData = record.data;
  const data = putData instanceof Uint8Array ? putData : serialize(putData);
  // Data that would pass for an aggregate goes alone as an aggregate of one (see core).
  const alone = isAggregated(data)
    ? aggregateOfOne(partitionKey, explicitHashKey, data, options.maxRecordBytes)
    : data;
  const bytes = alone.length + (key?.bytes ?? Buffer.byteLength(partitionKey, 'utf8'));
  if (bytes > options.maxRecordBytes)
    throw new KplRecordTooLargeError(bytes, options.maxRecordBytes);
  into.partitionKey = partitionKey;
  into.checkedPartitionKey = key;
  into.data = data;
  into.alone = alone;
  into.source = record;
  into.bytes = bytes;
  into.sequence = sequence;
  into.putAt = putAt;
  into.explicitHashKey = explicitHashKey;
  return into;
}

/**
 * The user records of an unsent Kinesis record, read back from its bytes to be aggregated again
 * (after resharding): measured as at put, each with the record its user put as its source.
 */
export function userRecordsReadBack(
  { entry, sources, sequences, firstPutAt }: QueuedKinesisRecord,
  options: MeasureOptions,
  partitionKeys: PartitionKeys,
): BufferedUserRecord[] {
  const parent = { partitionKey: entry.PartitionKey!, explicitHashKey: entry.ExplicitHashKey };
  // Our own aggregates: a corrupt one would be a bug, and must not pass as a plain record.
  const readBack = deaggregateBytes(entry.Data!, parent, { onCorrupt: 'throw' });
  return readBack.map((userRecord, i) => {
    const buffered = toBufferedUserRecord(
      userRecord,
      sequences[i]!,
      firstPutAt,
      options,
      partitionKeys,
    );
    buffered.source = sources[i]!;
    return buffered;
  });
}

/**
 * What each user record of a Kinesis record given up was held for since its put, for the
 * accounting of records given up: read back from an aggregate's bytes, as after resharding.
 */
export function heldBytesOfEach(
  kinesisRecord: QueuedKinesisRecord,
  options: MeasureOptions,
): number[] {
  if (kinesisRecord.sources.length === 1) return [kinesisRecord.heldBytes];
  return userRecordsReadBack(kinesisRecord, options, new PartitionKeys()).map(({ bytes }) => bytes);
}

/** Data that would pass for an aggregate, wrapped in an aggregate of one to arrive as it was put. */
function aggregateOfOne(
  partitionKey: string,
  explicitHashKey: string | undefined,
  data: Uint8Array,
  maxBytes: number,
): Uint8Array {
  const record = {
    partitionKey,
    data,
    ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
  };
  return aggregate([record], { aggregateSingleRecord: true, maxBytes })[0]!.data;
}

/** The fields a record may have: anything else is a typo that would lose its meaning here. */
const RECORD_FIELDS = ['data', 'partitionKey', 'explicitHashKey'];

/**
 * The partition key of a record put without one. Its fields are checked first (here only, off
 * the common path): `{ PartitionKey }` as the SDK spells it would otherwise get a random key.
 */
function derivedPartitionKey(
  record: ProducerRecord,
  option: ResolvedProducerOptions['partitionKeyFrom'],
): string {
  for (const field of Object.keys(record)) {
    if (RECORD_FIELDS.includes(field)) continue;
    const near = closestNames(field, RECORD_FIELDS);
    throw new KplInvalidRecordError(
      `A record has no field ${field}${near.length > 0 ? `: did you mean ${near.join(' or ')}?` : `; its fields are ${RECORD_FIELDS.join(', ')}`}`,
    );
  }
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

/** Data given as a string or a JSON value, as bytes. */
function serialize(data: Exclude<ProducerRecord['data'], Uint8Array>): Uint8Array {
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
  const { bytes, putAt } = userRecord;
  return queued(entry, tallyOf([userRecord]), group, shardId, bytes, putAt, dueAt);
}

/**
 * A finished aggregate (or a lone user record the aggregator gave back plain), in its queue. It
 * is full, or has waited its time: it is due at once.
 */
export function aggregatedKinesisRecord({
  aggregated,
  group,
  shardId,
  openedAt,
  sequences,
  heldBytes,
  lastSequence,
}: ClosedAggregate): QueuedKinesisRecord {
  const { partitionKey, explicitHashKey, data, userRecords: sources } = aggregated;
  const entry: PutRecordsRequestEntry = { Data: data, PartitionKey: partitionKey };
  // The aggregate goes where its first user record goes: that record's explicit hash key, or
  // else its partition key, which is the aggregate's.
  if (explicitHashKey !== undefined) entry.ExplicitHashKey = explicitHashKey;
  const bytes = data.length + Buffer.byteLength(partitionKey, 'utf8');
  const tally = { sources, sequences, heldBytes, lastSequence };
  return queued(entry, tally, group, shardId, bytes, openedAt, 0);
}
