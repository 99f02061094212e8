import { Buffer } from 'node:buffer';
import { KplInvalidRecordError } from '../errors.js';
import type { UserRecordInput } from '../types.js';
import { assertValidKeys } from './hashKey.js';

// Set by the class's static block, which alone can reach the memo's private fields.
let indexInTable: (key: CheckedPartitionKey, table: object) => number | undefined;
let enterInTable: (key: CheckedPartitionKey, table: object, index: number) => void;

/**
 * A partition key checked once (Kinesis accepts it) and measured (its UTF-8 size), for a caller
 * that aggregates many user records with the same key. Give the same instance as each such
 * record's `checkedPartitionKey`: {@link RecordAggregator} then neither checks nor measures the
 * key again, and finds it in its aggregate's key table without a lookup by its text (so it is
 * written once per aggregate even while the aggregator has stopped looking keys up). A producer
 * that remembers its keys (as `@kpl-lambda/producer` does) saves about a tenth of its time on
 * small records that way.
 *
 * @example
 * ```ts
 * import { CheckedPartitionKey, RecordAggregator } from '@kpl-lambda/core';
 * const tenant = new CheckedPartitionKey('tenant-42'); // throws KplInvalidRecordError if invalid
 * const aggregator = new RecordAggregator();
 * for (const data of ['a', 'b', 'c']) {
 *   aggregator.add({ partitionKey: tenant.partitionKey, checkedPartitionKey: tenant, data });
 * }
 * aggregator.flush(); // one aggregate, its key written once
 * ```
 */
export class CheckedPartitionKey {
  /** The key. */
  public readonly partitionKey: string;
  /** Its size in UTF-8. */
  public readonly bytes: number;
  /** The key table (of one aggregate) that entered this key last, and its index there. */
  #table: object | undefined;
  #index = 0;

  /** Checks and measures `partitionKey`; throws `KplInvalidRecordError` for a key Kinesis refuses. */
  public constructor(partitionKey: string) {
    assertValidKeys(partitionKey, undefined);
    this.partitionKey = partitionKey;
    this.bytes = Buffer.byteLength(partitionKey, 'utf8');
  }

  // The aggregator's memo stays off the class's public face: only the key table, through the
  // two functions below, reads and writes it.
  static {
    indexInTable = (key, table) => (key.#table === table ? key.#index : undefined);
    enterInTable = (key, table, index) => {
      key.#table = table;
      key.#index = index;
    };
  }
}

/** The key's index in `table`, when `table` entered it ({@link enteredIn}); otherwise `undefined`. */
export function indexIn(key: CheckedPartitionKey, table: object): number | undefined {
  return indexInTable(key, table);
}

/** Notes that `table` holds the key at `index` (see {@link indexIn}). */
export function enteredIn(key: CheckedPartitionKey, table: object, index: number): void {
  enterInTable(key, table, index);
}

/** The record's checked partition key, when it has one that is its partition key's. */
export function checkedPartitionKeyOf(record: UserRecordInput): CheckedPartitionKey | undefined {
  const { checkedPartitionKey } = record;
  if (checkedPartitionKey === undefined) return undefined;
  if (
    !(checkedPartitionKey instanceof CheckedPartitionKey) ||
    checkedPartitionKey.partitionKey !== record.partitionKey
  ) {
    throw new KplInvalidRecordError(
      "A user record's checkedPartitionKey must be a CheckedPartitionKey of its partitionKey",
    );
  }
  return checkedPartitionKey;
}
