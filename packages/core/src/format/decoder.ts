import { KPL_DIGEST_SIZE, MAGIC_BYTES, MAX_HASH_KEY } from '../constants.js';
import { KplDecodeError } from '../errors.js';
import { asBuffer } from './bytes.js';
import { md5 } from './md5.js';
import { decodeFailure, fieldNumber, WireReader } from './WireReader.js';
import {
  DATA_TAG,
  EXPLICIT_HASH_KEY_INDEX_TAG,
  EXPLICIT_HASH_KEY_TABLE_TAG,
  NO_INDEX,
  PARTITION_KEY_INDEX_TAG,
  PARTITION_KEY_TABLE_TAG,
  RECORDS_TAG,
  TAG_KEY_TAG,
  TAGS_TAG,
} from './wireFormat.js';

/**
 * The KCL's test: longer than magic plus digest, opens with the magic, and the MD5 of the
 * body matches the trailer. A user record may start with the magic by chance; the digest is
 * what tells them apart.
 *
 * @example
 * ```ts
 * import { isAggregated } from '@kpl-lambda/core';
 * isAggregated(Buffer.from(record.kinesis.data, 'base64'));
 * ```
 */
export function isAggregated(data: Uint8Array): boolean {
  const digestStart = data.length - KPL_DIGEST_SIZE;
  if (digestStart <= MAGIC_BYTES.length) return false;
  for (let i = 0; i < MAGIC_BYTES.length; i++) if (data[i] !== MAGIC_BYTES[i]) return false;
  const digest = md5(data.subarray(MAGIC_BYTES.length, digestStart));
  for (let i = 0; i < KPL_DIGEST_SIZE; i++) if (data[digestStart + i] !== digest[i]) return false;
  return true;
}

/**
 * The user records of an aggregate as columns, one entry per user record in order: partition
 * key, explicit hash key (undefined when it has none), and where its data lies in `parent` (the
 * aggregate's bytes, magic and digest included). No object is made per user record: each caller
 * makes the one it hands out.
 */
export class AggregateColumns {
  public constructor(
    public readonly parent: Buffer,
    public readonly partitionKeys: readonly string[],
    public readonly explicitHashKeys: ReadonlyArray<string | undefined>,
    public readonly dataStarts: readonly number[],
    public readonly dataEnds: readonly number[],
  ) {}

  /** The data of user record `index`: a zero-copy view into the aggregate. */
  public dataOf(index: number): Buffer {
    return this.parent.subarray(this.dataStarts[index], this.dataEnds[index]);
  }

  /** The data of user record `index` in base64, with no view made first. */
  public base64Of(index: number): string {
    return this.parent.toString('base64', this.dataStarts[index], this.dataEnds[index]);
  }
}

/**
 * Decodes the protobuf body of an aggregate that passed {@link isAggregated}. Tables may come
 * after the records that use them (protobuf allows any field order), so indexes are resolved
 * only once the whole message is read. Throws {@link KplDecodeError}; any other exception is a
 * bug and propagates as it is.
 */
export function decodeAggregate(data: Uint8Array, sequenceNumber?: string): AggregateColumns {
  // The body is read in place: user records' spans are positions in the parent's bytes.
  const parent = asBuffer(data);
  const reader = new WireReader(parent, MAGIC_BYTES.length, parent.length - KPL_DIGEST_SIZE);
  try {
    return resolveKeys(readAggregatedRecord(reader), parent);
  } catch (error) {
    if (!(error instanceof KplDecodeError)) throw error;
    const where = sequenceNumber === undefined ? '' : ` ${sequenceNumber}`;
    throw new KplDecodeError(`Corrupt KPL aggregate${where}: ${error.message} (${error.reason})`, {
      reason: error.reason,
      sequenceNumber,
      cause: error,
    });
  }
}

/** An aggregate as read: the tables, and per user record its two indexes and its data's span. */
interface RawAggregate {
  partitionKeyTable: string[];
  explicitHashKeyTable: string[];
  partitionKeyIndexes: number[];
  explicitHashKeyIndexes: number[];
  dataStarts: number[];
  dataEnds: number[];
}

function readAggregatedRecord(reader: WireReader): RawAggregate {
  const aggregate: RawAggregate = {
    partitionKeyTable: [],
    explicitHashKeyTable: [],
    partitionKeyIndexes: [],
    explicitHashKeyIndexes: [],
    dataStarts: [],
    dataEnds: [],
  };
  while (reader.pos < reader.end) {
    const tag = reader.tag();
    if (tag === PARTITION_KEY_TABLE_TAG) aggregate.partitionKeyTable.push(reader.string());
    else if (tag === EXPLICIT_HASH_KEY_TABLE_TAG) {
      aggregate.explicitHashKeyTable.push(reader.string());
    } else if (tag === RECORDS_TAG) readUserRecord(reader, aggregate);
    else skipUnknownField(reader, tag, reader.end);
  }
  return aggregate;
}

function readUserRecord(reader: WireReader, aggregate: RawAggregate): void {
  const length = reader.length();
  const end = reader.pos + length;
  let partitionKeyIndex = NO_INDEX;
  let explicitHashKeyIndex = NO_INDEX;
  let dataStart = NO_INDEX;
  let dataEnd = NO_INDEX;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === PARTITION_KEY_INDEX_TAG) partitionKeyIndex = reader.varint();
    else if (tag === EXPLICIT_HASH_KEY_INDEX_TAG) explicitHashKeyIndex = reader.varint();
    else if (tag === DATA_TAG) {
      dataStart = reader.span(end);
      dataEnd = reader.pos;
    }
    // Field 4 holds tags: no consumer reads them, but protobuf-java checks each.
    else if (tag === TAGS_TAG) checkTag(reader, end);
    else skipUnknownField(reader, tag, end);
    if (reader.pos > end) {
      throw decodeFailure('TRUNCATED', 'a field runs past the end of its user record');
    }
  }
  if (partitionKeyIndex === NO_INDEX) {
    throw decodeFailure('MISSING_FIELD', 'partition_key_index is missing');
  }
  if (dataStart === NO_INDEX) throw decodeFailure('MISSING_FIELD', 'data is missing');
  aggregate.partitionKeyIndexes.push(partitionKeyIndex);
  aggregate.explicitHashKeyIndexes.push(explicitHashKeyIndex);
  aggregate.dataStarts.push(dataStart);
  aggregate.dataEnds.push(dataEnd);
}

/**
 * Skips a `Tag` message, checked as protobuf-java parses it: its fields must be well formed and
 * its required `key` present, or the KCL refuses the whole aggregate.
 */
function checkTag(reader: WireReader, within: number): void {
  const length = reader.length(within);
  const end = reader.pos + length;
  let hasKey = false;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === TAG_KEY_TAG) hasKey = true;
    skipUnknownField(reader, tag, end);
  }
  if (!hasKey) throw decodeFailure('MISSING_FIELD', 'a tag without its key');
}

/**
 * Skips a field that is not one of the message's, as protobuf-java does: a known field number
 * with another wire type than its own is such a field too (the generated parser matches whole
 * tags), so it is skipped, and a required field it stood for is then missing.
 */
function skipUnknownField(reader: WireReader, tag: number, within: number): void {
  if (fieldNumber(tag) === 0) throw decodeFailure('MALFORMED_FIELD', 'field number 0');
  reader.skipField(tag, within);
}

/** What Java's `BigInteger` reads as a decimal, ASCII digits only. */
const SIGNED_DECIMAL = /^[+-]?[0-9]+$/;

/**
 * An explicit hash key the KCL can route by: a decimal integer in 0 .. 2^128-1 as Java reads one
 * (a sign or leading zeros allowed). The KCL reads every user record's hash key and refuses an
 * aggregate with one it cannot read or that lies outside the hash key space.
 */
function assertReadableHashKey(explicitHashKey: string, index: number): void {
  if (SIGNED_DECIMAL.test(explicitHashKey)) {
    const value = BigInt(explicitHashKey);
    if (value >= 0n && value <= MAX_HASH_KEY) return;
  }
  throw decodeFailure(
    'INVALID_EXPLICIT_HASH_KEY',
    `user record ${index}: explicit hash key ${JSON.stringify(explicitHashKey.slice(0, 60))} is not a decimal in 0 .. 2^128-1`,
  );
}

function resolveKeys(aggregate: RawAggregate, parent: Buffer): AggregateColumns {
  const { partitionKeyTable, explicitHashKeyTable, partitionKeyIndexes, explicitHashKeyIndexes } =
    aggregate;
  const count = partitionKeyIndexes.length;
  if (count === 0) throw decodeFailure('NO_RECORDS', 'the aggregate holds no user record');
  const partitionKeys: string[] = new Array(count);
  const explicitHashKeys: Array<string | undefined> = new Array(count);
  const checkedHashKeys: boolean[] = [];
  for (let i = 0; i < count; i++) {
    // Indexes are uint64: any value, however large, is only valid inside its table.
    const partitionKey = partitionKeyTable[partitionKeyIndexes[i]!];
    if (partitionKey === undefined) {
      throw decodeFailure(
        'INDEX_OUT_OF_RANGE',
        `user record ${i}: partition_key_index ${partitionKeyIndexes[i]} is outside a table of ${partitionKeyTable.length}`,
      );
    }
    const explicitHashKeyIndex = explicitHashKeyIndexes[i]!;
    const explicitHashKey =
      explicitHashKeyIndex === NO_INDEX ? undefined : explicitHashKeyTable[explicitHashKeyIndex];
    if (explicitHashKeyIndex !== NO_INDEX && explicitHashKey === undefined) {
      throw decodeFailure(
        'INDEX_OUT_OF_RANGE',
        `user record ${i}: explicit_hash_key_index ${explicitHashKeyIndex} is outside a table of ${explicitHashKeyTable.length}`,
      );
    }
    if (explicitHashKey !== undefined && checkedHashKeys[explicitHashKeyIndex] !== true) {
      assertReadableHashKey(explicitHashKey, i);
      checkedHashKeys[explicitHashKeyIndex] = true;
    }
    partitionKeys[i] = partitionKey;
    explicitHashKeys[i] = explicitHashKey;
  }
  return new AggregateColumns(
    parent,
    partitionKeys,
    explicitHashKeys,
    aggregate.dataStarts,
    aggregate.dataEnds,
  );
}
