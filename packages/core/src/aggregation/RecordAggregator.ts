import { Buffer } from 'node:buffer';
import {
  DEFAULT_MAX_AGGREGATE_BYTES,
  KPL_DIGEST_SIZE,
  KPL_MAGIC,
  MAGIC_BYTES,
  MAX_KINESIS_RECORD_BYTES,
} from '../constants.js';
import { KplInvalidRecordError, KplRecordTooLargeError } from '../errors.js';
import { checkedPartitionKeyOf } from '../format/CheckedPartitionKey.js';
import { isAggregated } from '../format/decoder.js';
import { assertValidKeys } from '../format/hashKey.js';
import { md5 } from '../format/md5.js';
import { WireWriter } from '../format/WireWriter.js';
import {
  EXPLICIT_HASH_KEY_TABLE_TAG,
  fieldBytes,
  loneRecordBodyBytes,
  NO_INDEX,
  PARTITION_KEY_TABLE_TAG,
  userRecordBytes,
  writeUserRecord,
} from '../format/wireFormat.js';
import { assertIntegerIn, assertKnownOptions, assertTypeOf, optionNames } from '../options.js';
import type { AggregatedRecord, AggregatorOptions, UserRecordInput } from '../types.js';
import { KeyTable } from './KeyTable.js';
import { ShardMap } from './ShardMap.js';

const AGGREGATOR_OPTIONS = optionNames<AggregatorOptions>({
  aggregationMaxBytes: true,
  aggregationMaxCount: true,
  aggregateSingleRecord: true,
  shards: true,
});

/** Magic and digest: what an aggregate adds around its protobuf body. */
const FRAME_BYTES = MAGIC_BYTES.length + KPL_DIGEST_SIZE;

/**
 * Packs user records into KPL aggregates, one at a time, counting every byte exactly (UTF-8
 * keys, varints, magic and digest) so that no output exceeds `aggregationMaxBytes`.
 *
 * `add` hands back the finished aggregate whenever the next record would not fit (that record
 * then opens the next one); `flush` hands back what is left. An aggregate of a single user record
 * is handed back as that plain record, as the KPL sends it, unless its data would itself pass for
 * an aggregate (a forwarder re-publishing raw Kinesis data): then it is wrapped in an aggregate of
 * one, so that consumers receive it as it was put. Input records are never mutated, and are read
 * only during `add`: an aggregate keeps of each what its `userRecords` holds. A key that
 * repeats is written once per aggregate; after an aggregate whose keys did not repeat, the next
 * ones write each key as it comes, without the lookup (see the package README).
 *
 * With `shards`, an aggregate holds the user records of one shard: a record of another shard
 * than the aggregate's finishes it, as a record that does not fit does. Records of many shards
 * in turn then make small aggregates: keep one aggregator per shard
 * (`ShardMap.shardIdOf(record)` says which), as {@link aggregate} does.
 *
 * @example
 * ```ts
 * import { RecordAggregator } from '@kpl-lambda/core';
 * const aggregator = new RecordAggregator({ aggregationMaxBytes: 1_048_576 });
 * const ready = [];
 * for (const record of records) {
 *   const full = aggregator.add({ partitionKey: record.id, data: JSON.stringify(record) });
 *   if (full) ready.push(full);
 * }
 * const last = aggregator.flush();
 * if (last) ready.push(last);
 * // ready: [{ partitionKey, explicitHashKey?, data, userRecords }] for PutRecords
 * ```
 */
export class RecordAggregator<T = UserRecordInput> {
  /** Bound on data bytes plus outer partition key bytes of each output record. */
  public readonly aggregationMaxBytes: number;
  /** Bound on the number of user records in one aggregate. */
  public readonly aggregationMaxCount: number;
  /** Whether a lone user record is still sent as an aggregate. */
  public readonly aggregateSingleRecord: boolean;
  /** The stream's shards, when each aggregate holds the user records of one shard only. */
  public readonly shards: ShardMap | undefined;

  #userRecords: T[] = [];
  /** The first record's keys, which become the aggregate's: its record itself is not kept. */
  #outerPartitionKey = '';
  #outerExplicitHashKey: string | undefined;
  /** With `shards`: the shard of the aggregate's user records. */
  #shardId: string | undefined;
  /**
   * The `Record` messages so far, encoded as each user record is added: its data is copied while
   * the caller has just made it, and in the order it was put, whichever aggregate it joins.
   */
  readonly #records = new WireWriter();
  /** The first user record's data: what is sent when it stays alone. */
  #firstData: Uint8Array | undefined;
  readonly #partitionKeys = new KeyTable();
  readonly #explicitHashKeys = new KeyTable();
  /** User records with an explicit hash key, in this aggregate. */
  #explicitHashKeyUses = 0;
  /** Size of the protobuf body so far. */
  #bodyBytes = 0;
  /** UTF-8 bytes of the first record's partition key, which becomes the outer key. */
  #outerPartitionKeyBytes = 0;
  /** Whether the first record's data would pass for an aggregate if it were sent plain. */
  #firstLooksAggregated = false;

  public constructor(options: AggregatorOptions = {}) {
    assertKnownOptions(options, AGGREGATOR_OPTIONS);
    const {
      aggregationMaxBytes = DEFAULT_MAX_AGGREGATE_BYTES,
      aggregationMaxCount = Number.POSITIVE_INFINITY,
      aggregateSingleRecord = false,
    } = options;
    assertIntegerIn('aggregationMaxBytes', aggregationMaxBytes, 1, MAX_KINESIS_RECORD_BYTES);
    assertIntegerIn('aggregationMaxCount', aggregationMaxCount, 1, Number.POSITIVE_INFINITY);
    assertTypeOf('aggregateSingleRecord', aggregateSingleRecord, 'boolean');
    this.aggregationMaxBytes = aggregationMaxBytes;
    this.aggregationMaxCount = aggregationMaxCount;
    this.aggregateSingleRecord = aggregateSingleRecord;
    this.shards = shardMapOf(options.shards);
  }

  /** Number of user records in the aggregate being built. */
  public get length(): number {
    return this.#userRecords.length;
  }

  /** Size, as Kinesis counts it, of the record that {@link flush} would hand back now. */
  public get sizeBytes(): number {
    if (this.#userRecords.length === 0) return 0;
    if (this.#sendsPlain()) return this.#firstData!.length + this.#outerPartitionKeyBytes;
    return FRAME_BYTES + this.#bodyBytes + this.#outerPartitionKeyBytes;
  }

  /**
   * Adds a user record. Returns the finished aggregate when this record did not fit in it (the
   * record then opens the next aggregate), otherwise `undefined`.
   *
   * `source` is what the aggregate's `userRecords` holds for this record (the record itself when
   * left out). The record is read only during the call, so one input object may carry them all.
   *
   * @example
   * ```ts
   * import { RecordAggregator } from '@kpl-lambda/core';
   * const aggregator = new RecordAggregator<{ orderId: string }>();
   * const input = { partitionKey: '', data: '' };
   * for (const order of [{ orderId: 'o-1' }, { orderId: 'o-2' }]) {
   *   Object.assign(input, { partitionKey: order.orderId, data: JSON.stringify(order) });
   *   aggregator.add(input, order);
   * }
   * aggregator.flush()?.userRecords; // the two orders
   * ```
   *
   * @throws {@link KplInvalidRecordError} for keys Kinesis would refuse.
   * @throws {@link KplRecordTooLargeError} when the record cannot fit `aggregationMaxBytes` even alone.
   */
  public add(record: UserRecordInput & T): AggregatedRecord<T> | undefined;
  public add(record: UserRecordInput, source: T): AggregatedRecord<T> | undefined;
  public add(record: UserRecordInput, source = record as T): AggregatedRecord<T> | undefined {
    const { partitionKey, explicitHashKey } = record;
    const checked = checkedPartitionKeyOf(record);
    // An index is undefined for a key new to its table.
    const knownPartitionKeyIndex = this.#partitionKeys.indexOf(partitionKey, checked);
    // A partition key in the table was checked when it entered it.
    if (
      (knownPartitionKeyIndex === undefined && checked === undefined) ||
      explicitHashKey !== undefined
    ) {
      assertValidKeys(partitionKey, explicitHashKey);
    }
    const knownExplicitHashKeyIndex =
      explicitHashKey === undefined ? NO_INDEX : this.#explicitHashKeys.indexOf(explicitHashKey);
    const data = toBytes(record.data);
    const partitionKeyBytes =
      checked?.bytes ??
      (knownPartitionKeyIndex === undefined
        ? Buffer.byteLength(partitionKey, 'utf8')
        : this.#partitionKeys.bytesAt(knownPartitionKeyIndex));
    const looksAggregated = isAggregated(data);
    const aloneBytes =
      this.aggregateSingleRecord || looksAggregated
        ? FRAME_BYTES + loneRecordBodyBytes(partitionKeyBytes, explicitHashKey, data.length)
        : data.length;
    if (aloneBytes + partitionKeyBytes > this.aggregationMaxBytes) {
      throw new KplRecordTooLargeError(aloneBytes + partitionKeyBytes, this.aggregationMaxBytes);
    }

    // A new key takes the next index, so the tables stay in first-use order; the body grows by
    // the record's message and by the entry of each new key.
    const partitionKeyIndex = knownPartitionKeyIndex ?? this.#partitionKeys.size;
    const explicitHashKeyIndex = knownExplicitHashKeyIndex ?? this.#explicitHashKeys.size;
    const recordBytes = userRecordBytes(partitionKeyIndex, explicitHashKeyIndex, data.length);
    let growth = fieldBytes(recordBytes);
    if (knownPartitionKeyIndex === undefined) growth += fieldBytes(partitionKeyBytes);
    // Hash keys are decimal digits: one byte each in UTF-8.
    if (knownExplicitHashKeyIndex === undefined) growth += fieldBytes(explicitHashKey!.length);
    const shardId = this.shards?.shardIdOf(record);
    if (
      this.#userRecords.length > 0 &&
      (this.#userRecords.length >= this.aggregationMaxCount ||
        FRAME_BYTES + this.#bodyBytes + growth + this.#outerPartitionKeyBytes >
          this.aggregationMaxBytes ||
        shardId !== this.#shardId)
    ) {
      const finished = this.flush();
      // The record opens the next aggregate, where it fits: it fits alone.
      this.add(record, source);
      return finished;
    }
    if (this.#userRecords.length === 0) {
      this.#outerPartitionKey = partitionKey;
      this.#outerExplicitHashKey = explicitHashKey;
      this.#outerPartitionKeyBytes = partitionKeyBytes;
      this.#firstData = data;
      this.#firstLooksAggregated = looksAggregated;
      this.#shardId = shardId;
    }
    this.#bodyBytes += growth;
    if (knownPartitionKeyIndex === undefined) {
      this.#partitionKeys.add(partitionKey, partitionKeyBytes, checked);
    }
    if (explicitHashKey !== undefined) {
      this.#explicitHashKeyUses++;
      if (knownExplicitHashKeyIndex === undefined) {
        this.#explicitHashKeys.add(explicitHashKey, explicitHashKey.length);
      }
    }
    writeUserRecord(this.#records, recordBytes, partitionKeyIndex, explicitHashKeyIndex, data);
    this.#userRecords.push(source);
    return undefined;
  }

  /** Hands back the aggregate being built, if any, and starts an empty one. */
  public flush(): AggregatedRecord<T> | undefined {
    const userRecords = this.#userRecords;
    if (userRecords.length === 0) return undefined;
    const aggregated: AggregatedRecord<T> = {
      partitionKey: this.#outerPartitionKey,
      data: this.#sendsPlain() ? this.#firstData! : this.#encode(),
      userRecords,
    };
    const explicitHashKey = this.#outerExplicitHashKey;
    if (explicitHashKey !== undefined) aggregated.explicitHashKey = explicitHashKey;
    if (this.#shardId !== undefined) aggregated.shardId = this.#shardId;
    this.#reset();
    return aggregated;
  }

  /** A lone user record goes plain, unless asked otherwise or its data would pass for an aggregate. */
  #sendsPlain(): boolean {
    return (
      this.#userRecords.length === 1 && !this.aggregateSingleRecord && !this.#firstLooksAggregated
    );
  }

  #encode(): Uint8Array {
    // The aggregate's size is known exactly: it is written into a buffer of that size, the
    // magic and the digest around the body in place.
    const writer = new WireWriter(FRAME_BYTES + this.#bodyBytes);
    writer.raw(KPL_MAGIC);
    this.#partitionKeys.writeTo(writer, PARTITION_KEY_TABLE_TAG);
    this.#explicitHashKeys.writeTo(writer, EXPLICIT_HASH_KEY_TABLE_TAG);
    // The tables come first, as the KPL writes them; the records follow, already encoded.
    writer.raw(this.#records.bytes.subarray(0, this.#records.pos));
    // Were the size ever counted short, writing the digest past the end would throw (a typed
    // array's set does): an aggregate is never cut short.
    writer.raw(md5(writer.bytes.subarray(MAGIC_BYTES.length, writer.pos)));
    return writer.bytes.subarray(0, writer.pos);
  }

  #reset(): void {
    this.#partitionKeys.clear(this.#userRecords.length);
    this.#explicitHashKeys.clear(this.#explicitHashKeyUses);
    this.#explicitHashKeyUses = 0;
    this.#userRecords = [];
    // The encoded records were copied out: the next aggregate writes over them.
    this.#records.pos = 0;
    this.#outerPartitionKey = '';
    this.#outerExplicitHashKey = undefined;
    this.#shardId = undefined;
    this.#firstData = undefined;
    this.#bodyBytes = 0;
    this.#outerPartitionKeyBytes = 0;
    this.#firstLooksAggregated = false;
  }
}

/** The `shards` option as a map: a `ShardMap` as given, anything else read as one. */
function shardMapOf(shards: AggregatorOptions['shards']): ShardMap | undefined {
  if (shards === undefined || shards instanceof ShardMap) return shards;
  return new ShardMap(shards);
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  throw new KplInvalidRecordError(
    `User record data must be a Uint8Array or a string, got ${typeof data}`,
  );
}
