import { Buffer } from 'node:buffer';
import {
  DEFAULT_MAX_AGGREGATE_BYTES,
  KPL_DIGEST_SIZE,
  KPL_MAGIC,
  MAGIC_BYTES,
  MAX_KINESIS_RECORD_BYTES,
} from './constants.js';
import { isAggregated } from './decoder.js';
import { KplInvalidRecordError, KplRecordTooLargeError } from './errors.js';
import { assertValidKeys } from './hashKey.js';
import { KeyTable } from './KeyTable.js';
import { md5 } from './md5.js';
import { assertIntegerIn, assertTypeOf } from './options.js';
import type { AggregatedRecord, AggregatorOptions, UserRecordInput } from './types.js';
import { WireWriter } from './WireWriter.js';
import {
  DATA_TAG,
  EXPLICIT_HASH_KEY_INDEX_TAG,
  EXPLICIT_HASH_KEY_TABLE_TAG,
  fieldBytes,
  loneRecordBodyBytes,
  NO_INDEX,
  PARTITION_KEY_INDEX_TAG,
  PARTITION_KEY_TABLE_TAG,
  RECORDS_TAG,
  userRecordBytes,
} from './wireFormat.js';

/** Where a user record's keys go in the tables, and what it adds to the body. */
interface Placement {
  partitionKeyIndex: number;
  explicitHashKeyIndex: number;
  growth: number;
}

/** Magic and digest: what an aggregate adds around its protobuf body. */
const FRAME_BYTES = MAGIC_BYTES.length + KPL_DIGEST_SIZE;

/**
 * Packs user records into KPL aggregates, one at a time, counting every byte exactly (UTF-8
 * keys, varints, magic and digest) so that no output exceeds `maxBytes`.
 *
 * `add` hands back the finished aggregate whenever the next record would not fit (that record
 * then opens the next one); `flush` hands back what is left. An aggregate of a single user record
 * is handed back as that plain record, as the KPL sends it, unless its data would itself pass for
 * an aggregate (a forwarder re-publishing raw Kinesis data): then it is wrapped in an aggregate of
 * one, so that consumers receive it as it was put. Input records are never mutated. A key that
 * repeats is written once per aggregate; after an aggregate whose keys did not repeat, the next
 * ones write each key as it comes, without the lookup (see the package README).
 *
 * @example
 * ```ts
 * import { RecordAggregator } from '@kpl-lambda/core';
 * const aggregator = new RecordAggregator({ maxBytes: 1_048_576 });
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
export class RecordAggregator<T extends UserRecordInput = UserRecordInput> {
  /** Bound on data bytes plus outer partition key bytes of each output record. */
  public readonly maxBytes: number;
  /** Bound on the number of user records in one aggregate. */
  public readonly maxRecords: number;
  /** Whether a lone user record is still sent as an aggregate. */
  public readonly aggregateSingleRecord: boolean;

  #userRecords: T[] = [];
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
    const {
      maxBytes = DEFAULT_MAX_AGGREGATE_BYTES,
      maxRecords = Number.POSITIVE_INFINITY,
      aggregateSingleRecord = false,
    } = options;
    assertIntegerIn('maxBytes', maxBytes, 1, MAX_KINESIS_RECORD_BYTES);
    assertIntegerIn('maxRecords', maxRecords, 1, Number.POSITIVE_INFINITY);
    assertTypeOf('aggregateSingleRecord', aggregateSingleRecord, 'boolean');
    this.maxBytes = maxBytes;
    this.maxRecords = maxRecords;
    this.aggregateSingleRecord = aggregateSingleRecord;
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
   * @throws {@link KplInvalidRecordError} for keys Kinesis would refuse.
   * @throws {@link KplRecordTooLargeError} when the record cannot fit `maxBytes` even alone.
   */
  public add(record: T): AggregatedRecord<T> | undefined {
    const { partitionKey, explicitHashKey } = record;
    const knownPartitionKeyIndex = this.#partitionKeys.indexOf(partitionKey);
    // A partition key in the table was checked when it entered it.
    if (knownPartitionKeyIndex === undefined || explicitHashKey !== undefined) {
      assertValidKeys(partitionKey, explicitHashKey);
    }
    const data = toBytes(record.data);
    const partitionKeyBytes =
      knownPartitionKeyIndex === undefined
        ? Buffer.byteLength(partitionKey, 'utf8')
        : this.#partitionKeys.bytesAt(knownPartitionKeyIndex);
    const looksAggregated = isAggregated(data);
    const aloneBytes =
      this.aggregateSingleRecord || looksAggregated
        ? FRAME_BYTES + loneRecordBodyBytes(partitionKeyBytes, explicitHashKey, data.length)
        : data.length;
    if (aloneBytes + partitionKeyBytes > this.maxBytes) {
      throw new KplRecordTooLargeError(aloneBytes + partitionKeyBytes, this.maxBytes);
    }

    let finished: AggregatedRecord<T> | undefined;
    let placement = this.#place(
      knownPartitionKeyIndex,
      partitionKeyBytes,
      explicitHashKey,
      data.length,
    );
    if (
      this.#userRecords.length > 0 &&
      (this.#userRecords.length >= this.maxRecords ||
        FRAME_BYTES + this.#bodyBytes + placement.growth + this.#outerPartitionKeyBytes >
          this.maxBytes)
    ) {
      finished = this.flush();
      // A new aggregate: its tables start empty.
      placement = this.#place(undefined, partitionKeyBytes, explicitHashKey, data.length);
    }
    if (this.#userRecords.length === 0) this.#firstLooksAggregated = looksAggregated;
    this.#append(record, data, partitionKeyBytes, placement);
    return finished;
  }

  /** Hands back the aggregate being built, if any, and starts an empty one. */
  public flush(): AggregatedRecord<T> | undefined {
    const userRecords = this.#userRecords;
    if (userRecords.length === 0) return undefined;
    const first = userRecords[0]!;
    const aggregated: AggregatedRecord<T> = {
      partitionKey: first.partitionKey,
      data: this.#sendsPlain() ? this.#firstData! : this.#encode(),
      userRecords,
    };
    if (first.explicitHashKey !== undefined) aggregated.explicitHashKey = first.explicitHashKey;
    this.#reset();
    return aggregated;
  }

  /** A lone user record goes plain, unless asked otherwise or its data would pass for an aggregate. */
  #sendsPlain(): boolean {
    return (
      this.#userRecords.length === 1 && !this.aggregateSingleRecord && !this.#firstLooksAggregated
    );
  }

  /**
   * Where the record's keys go in the tables (an existing entry, or the next one), and how many
   * bytes the protobuf body grows by when the record is added.
   */
  #place(
    knownPartitionKeyIndex: number | undefined,
    partitionKeyBytes: number,
    explicitHashKey: string | undefined,
    dataBytes: number,
  ): Placement {
    const partitionKeyIndex = knownPartitionKeyIndex ?? this.#partitionKeys.size;
    let growth = knownPartitionKeyIndex === undefined ? fieldBytes(partitionKeyBytes) : 0;
    let explicitHashKeyIndex = NO_INDEX;
    if (explicitHashKey !== undefined) {
      const knownExplicitHashKeyIndex = this.#explicitHashKeys.indexOf(explicitHashKey);
      explicitHashKeyIndex = knownExplicitHashKeyIndex ?? this.#explicitHashKeys.size;
      // Hash keys are decimal digits: one byte each in UTF-8.
      if (knownExplicitHashKeyIndex === undefined) growth += fieldBytes(explicitHashKey.length);
    }
    growth += fieldBytes(userRecordBytes(partitionKeyIndex, explicitHashKeyIndex, dataBytes));
    return { partitionKeyIndex, explicitHashKeyIndex, growth };
  }

  #append(record: T, data: Uint8Array, partitionKeyBytes: number, placement: Placement): void {
    const { partitionKey, explicitHashKey } = record;
    const { partitionKeyIndex, explicitHashKeyIndex, growth } = placement;
    this.#bodyBytes += growth;
    if (this.#userRecords.length === 0) {
      this.#outerPartitionKeyBytes = partitionKeyBytes;
      this.#firstData = data;
    }
    // A new key takes the next index, so the tables stay in first-use order.
    if (partitionKeyIndex === this.#partitionKeys.size) {
      this.#partitionKeys.add(partitionKey, partitionKeyBytes);
    }
    if (explicitHashKey !== undefined) {
      this.#explicitHashKeyUses++;
      if (explicitHashKeyIndex === this.#explicitHashKeys.size) {
        this.#explicitHashKeys.add(explicitHashKey, explicitHashKey.length);
      }
    }
    this.#userRecords.push(record);
    const records = this.#records;
    const recordBytes = userRecordBytes(partitionKeyIndex, explicitHashKeyIndex, data.length);
    records.reserve(fieldBytes(recordBytes));
    records.varint(RECORDS_TAG);
    records.varint(recordBytes);
    records.varint(PARTITION_KEY_INDEX_TAG);
    records.varint(partitionKeyIndex);
    if (explicitHashKeyIndex !== NO_INDEX) {
      records.varint(EXPLICIT_HASH_KEY_INDEX_TAG);
      records.varint(explicitHashKeyIndex);
    }
    records.varint(DATA_TAG);
    records.varint(data.length);
    records.raw(data);
  }

  #encode(): Uint8Array {
    // The aggregate's size is known exactly: it is written into a buffer of that size, the
    // magic and the digest around the body in place.
    const writer = new WireWriter(FRAME_BYTES + this.#bodyBytes);
    writer.raw(KPL_MAGIC);
    writeKeyTable(writer, PARTITION_KEY_TABLE_TAG, this.#partitionKeys);
    writeKeyTable(writer, EXPLICIT_HASH_KEY_TABLE_TAG, this.#explicitHashKeys);
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
    this.#firstData = undefined;
    this.#bodyBytes = 0;
    this.#outerPartitionKeyBytes = 0;
    this.#firstLooksAggregated = false;
  }
}

function writeKeyTable(writer: WireWriter, tag: number, table: KeyTable): void {
  const { keys } = table;
  for (let index = 0; index < keys.length; index++) {
    const bytes = table.bytesAt(index);
    writer.varint(tag);
    writer.varint(bytes);
    writer.text(keys[index]!, bytes);
  }
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  throw new KplInvalidRecordError(
    `User record data must be a Uint8Array or a string, got ${typeof data}`,
  );
}
