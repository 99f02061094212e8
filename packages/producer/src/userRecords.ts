import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import {
  aggregate,
  deaggregateBytes,
  isAggregated,
  KplInvalidRecordError,
  KplRecordTooLargeError,
  MAX_KINESIS_RECORD_BYTES,
} from '@kpl-lambda/core';
import { assertValidKeys, closestNames } from '@kpl-lambda/core/internal';
import { INVENTED_PARTITION_KEY_BYTES } from './constants.js';
import type { ResolvedProducerOptions } from './options.js';
import type { KnownPartitionKey } from './routing/KnownPartitionKey.js';
import { PartitionKeys } from './routing/PartitionKeys.js';
import type { QueuedKinesisRecord } from './sending/KinesisRecordQueues.js';
import type { ProducerRecord } from './types.js';

/**
 * A user record checked and measured at put, with what it came from and when it was put. Most
 * live only during their put: an aggregate keeps only their sources and sequence numbers (see
 * `OpenAggregates`); those that wait for the shard map are kept whole.
 */
export interface BufferedUserRecord {
  /**
   * The partition key: while the producer remembers it, the string first put with its text.
   * Undefined for a record put without one on a service-managed stream, or before the producer
   * knew what the stream is (see {@link givePartitionKey}).
   */
  partitionKey: string | undefined;
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
  /**
   * Data plus partition key as Kinesis counts the record sent alone: measured once, at put. A
   * record without a key counts the room of one it may be given (see `givePartitionKey`).
   */
  bytes: number;
  /** Put order: flushes wait by it, and records are aggregated again in it after resharding. */
  sequence: number;
  putAt: number;
}

/** What measuring a record depends on: the options, and what the stream is. */
export type MeasureOptions = Pick<
  ResolvedProducerOptions,
  'partitionKeyFrom' | 'maxRecordBytes'
> & {
  /**
   * Leave a record put without a partition key without one (a service-managed stream, or one
   * not known yet), instead of giving it a random key.
   */
  omitPartitionKeys?: boolean;
};

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
  const key = given === undefined ? undefined : partitionKeys.know(given);
  const putData = record.data;
  const data = putData instanceof Uint8Array ? putData : serialize(putData);
  const partitionKey = key?.partitionKey ?? given ?? keyOfKeyless(data, options);
  const { explicitHashKey } = record;
  // A record without a key has only its explicit hash key to check (a key of one character).
  if (explicitHashKey !== undefined) assertValidKeys(partitionKey ?? '-', explicitHashKey);
  // Data that would pass for an aggregate goes alone as an aggregate of one (see core); such a
  // record always has a key (keyOfKeyless).
  const alone = isAggregated(data)
    ? aggregateOfOne(partitionKey!, explicitHashKey, data, options.maxRecordBytes)
    : data;
  const bytes = alone.length + (key?.bytes ?? keyBytesOf(partitionKey));
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
  // What was taken is never refused when read back, whatever the bound is now: the producer
  // checks it against the bound in force, and gives it up if it no longer fits.
  const measure = { ...options, maxRecordBytes: MAX_KINESIS_RECORD_BYTES };
  if (entry.PartitionKey === undefined) {
    // A plain record sent without a key: its data as it was put, left without one again.
    const keyless = { ...measure, partitionKeyFrom: undefined, omitPartitionKeys: true };
    const buffered = toBufferedUserRecord(
      { data: entry.Data! },
      sequences[0]!,
      firstPutAt,
      keyless,
      partitionKeys,
    );
    buffered.source = sources[0]!;
    return [buffered];
  }
  const parent = { partitionKey: entry.PartitionKey!, explicitHashKey: entry.ExplicitHashKey };
  // Our own aggregates: a corrupt one would be a bug, and must not pass as a plain record.
  const readBack = deaggregateBytes(entry.Data!, parent, { onCorrupt: 'throw' });
  return readBack.map((userRecord, i) => {
    const buffered = toBufferedUserRecord(
      userRecord,
      sequences[i]!,
      firstPutAt,
      measure,
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

/**
 * Gives a record put without a partition key a random one, as a stream placed by partition key
 * needs: room for it was counted in its `bytes` at put.
 */
export function givePartitionKey(userRecord: BufferedUserRecord): void {
  userRecord.partitionKey = randomUUID();
}

/**
 * The key of a record put without one, and none derived: random, unless the stream places records
 * itself (or is not known yet). Data that would pass for an aggregate always gets one: it is sent
 * as an aggregate of one, which needs a key.
 */
function keyOfKeyless(data: Uint8Array, options: MeasureOptions): string | undefined {
  return options.omitPartitionKeys === true && !isAggregated(data) ? undefined : randomUUID();
}

/** A key's bytes; for no key, the room of one it may be given. */
function keyBytesOf(partitionKey: string | undefined): number {
  return partitionKey === undefined
    ? INVENTED_PARTITION_KEY_BYTES
    : Buffer.byteLength(partitionKey, 'utf8');
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
  return aggregate([record], { aggregateSingleRecord: true, aggregationMaxBytes: maxBytes })[0]!
    .data;
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
): string | undefined {
  for (const field of Object.keys(record)) {
    if (RECORD_FIELDS.includes(field)) continue;
    const near = closestNames(field, RECORD_FIELDS);
    throw new KplInvalidRecordError(
      `A record has no field ${field}${near.length > 0 ? `: did you mean ${near.join(' or ')}?` : `; its fields are ${RECORD_FIELDS.join(', ')}`}`,
    );
  }
  if (typeof option === 'function') {
    let derived: string;
    try {
      derived = option(record);
    } catch (error) {
      throw new KplInvalidRecordError('The partitionKeyFrom function threw for this record', {
        cause: error,
      });
    }
    // What it gives is a key, never "no key": anything but a string is refused here (a string is
    // checked as every key is).
    if (typeof derived !== 'string') assertValidKeys(derived, undefined);
    return derived;
  }
  if (typeof option === 'string' && isJsonObject(record.data)) {
    const value = (record.data as { [key: string]: unknown })[option];
    if (value !== undefined && value !== null && value !== '') return String(value);
  }
  return undefined;
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
