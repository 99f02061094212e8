import { Buffer } from 'node:buffer';
import {
  computeHashKeyHex,
  KPL_DIGEST_SIZE,
  KPL_MAGIC,
  MAX_KINESIS_RECORD_BYTES,
  MAX_PARTITION_KEY_LENGTH,
  RecordAggregator,
  type UserRecordInput,
} from '@kpl-lambda/core';
import type { ProducerRecord } from '../types.js';
import type { BufferedUserRecord } from '../userRecords.js';
import type { ClosedAggregate } from './OpenAggregates.js';

/** Most groups per shard `orderedGroupsPerShard` takes: far more than Lambda runs at once. */
export const MAX_ORDERED_GROUPS_PER_SHARD = 1_000;

/**
 * The most a user record grows when it is sent as an aggregate of one, beyond its data and
 * partition key: magic and digest; its partition key's table entry (tag, length of a key of up to
 * 256 characters); an explicit hash key's table entry (tag, length, up to 39 digits); its `Record`
 * message (tag, length) with the partition key index (tag, 0), the explicit hash key index (tag,
 * 0) and the data (tag, length of up to 10 MiB).
 */
export const AGGREGATE_OF_ONE_OVERHEAD_BYTES =
  KPL_MAGIC.length + KPL_DIGEST_SIZE + (1 + 2) + (1 + 1 + 39) + (1 + 4) + 2 + 2 + (1 + 4);

/** The most UTF-8 bytes a partition key takes: up to 3 for each of its UTF-16 units. */
const MAX_PARTITION_KEY_BYTES = 3 * MAX_PARTITION_KEY_LENGTH;

/** Said once when `orderedGroupsPerShard` meets a service-managed stream. */
export const ORDERED_GROUPS_ON_AUTO =
  'orderedGroupsPerShard does nothing on this stream: its record distribution is AUTO (service-managed), where KPL aggregates are not supported. The producer sends plain records, which the service places on shards of its choosing: no producer can keep an order per key there';

/** The parent partition key of the aggregates of one group: the same on every shard. */
function orderedGroupPartitionKey(group: number): string {
  return `ordered-group-${group}`;
}

/**
 * What `orderedGroupsPerShard` keeps back of a Kinesis record for a user record: room to send it
 * as an aggregate of one under its group's partition key (see `largestUserRecordBytes`).
 */
export function orderedGroupsReserveBytes(groupsPerShard: number): number {
  return AGGREGATE_OF_ONE_OVERHEAD_BYTES + parentKeyBytes(groupsPerShard);
}

/** The longest of the groups' partition keys, in bytes. */
function parentKeyBytes(groupsPerShard: number): number {
  return Buffer.byteLength(orderedGroupPartitionKey(groupsPerShard - 1), 'utf8');
}

/**
 * The `orderedGroupsPerShard` mode. Lambda, with a `ParallelizationFactor` above 1, keeps order
 * per *parent* partition key only: the user records of one key must share theirs. Each partition
 * key belongs to one of `groupsPerShard` groups, by its MD5 (a function of the key alone, so it is
 * the same group whatever the shards, before and after resharding, in every producer with the
 * same option); a shard's user records are aggregated per group, and each aggregate takes its
 * group's partition key as its own. It is routed by an explicit hash key: its first user record's
 * hash key, which lies in the shard of every user record of the aggregate, as the default mode's
 * aggregates go where their first user record goes. A lone user record goes as an aggregate of
 * one, so that it has its group's key too.
 */
export class OrderedGroups {
  public readonly groupsPerShard: number;
  /** What a user record keeps back of a Kinesis record (see {@link orderedGroupsReserveBytes}). */
  readonly #reserveBytes: number;
  readonly #partitionKeys: string[];
  readonly #partitionKeyBytes: number;
  /** Wraps the user records too large to join an aggregate (the put kept room for it). */
  readonly #aggregatorOfOne = new RecordAggregator<ProducerRecord>({
    aggregateSingleRecord: true,
    aggregationMaxBytes: MAX_KINESIS_RECORD_BYTES,
  });

  public constructor(groupsPerShard: number) {
    this.groupsPerShard = groupsPerShard;
    this.#reserveBytes = orderedGroupsReserveBytes(groupsPerShard);
    this.#partitionKeyBytes = parentKeyBytes(groupsPerShard);
    this.#partitionKeys = Array.from({ length: groupsPerShard }, (_, group) =>
      orderedGroupPartitionKey(group),
    );
  }

  // The bounds below: an aggregator (of core) counts an aggregate's first user record's partition
  // key as the aggregate's own, where the group's goes. For an aggregate of one that key is then
  // counted twice: in the aggregate's key table, and as its outer key.

  /**
   * The aggregator's bound, for aggregates of at most `aggregationMaxBytes` under their group's
   * key: the first user record's key counts a byte at least.
   */
  public aggregatorMaxBytes(aggregationMaxBytes: number): number {
    return Math.max(1, aggregationMaxBytes - this.#partitionKeyBytes + 1);
  }

  /**
   * A user record (of `bytes`, data plus partition key) larger than this goes alone instead of
   * joining its group's aggregate: one that may not fit the aggregator's bound even alone.
   */
  public aloneAbove(aggregationMaxBytes: number): number {
    return aggregationMaxBytes - this.#reserveBytes - (MAX_PARTITION_KEY_BYTES - 1);
  }

  /**
   * The largest user record (data plus partition key) taken at put, where a Kinesis record takes
   * `maxRecordBytes`: room is kept for the aggregate of one it may go in, under its group's key,
   * and for the aggregator's count of it under the largest any record may be.
   */
  public largestUserRecordBytes(maxRecordBytes: number): number {
    return Math.min(
      maxRecordBytes - this.#reserveBytes,
      MAX_KINESIS_RECORD_BYTES - AGGREGATE_OF_ONE_OVERHEAD_BYTES - MAX_PARTITION_KEY_BYTES,
    );
  }

  /** The group of the partition key whose MD5 is `hashKeyHex` (32 hex digits). */
  public groupOfHex(hashKeyHex: string): number {
    // The low bits: the high ones choose the shard, and would put a shard's keys in few groups.
    return Number.parseInt(hashKeyHex.slice(-8), 16) % this.groupsPerShard;
  }

  /** The group of a partition key. */
  public groupOf(partitionKey: string): number {
    return this.groupOfHex(computeHashKeyHex(partitionKey));
  }

  /**
   * The keys an aggregate is sent with, from its first user record's: its group's partition key,
   * and that record's explicit hash key, or its partition key's hash key.
   */
  public parentKeysOf(first: { partitionKey: string; explicitHashKey?: string | undefined }): {
    partitionKey: string;
    explicitHashKey: string;
  } {
    const hex = computeHashKeyHex(first.partitionKey);
    return {
      partitionKey: this.#partitionKeys[this.groupOfHex(hex)]!,
      explicitHashKey: first.explicitHashKey ?? BigInt(`0x${hex}`).toString(),
    };
  }

  /**
   * A user record too large to join its group's aggregate, as an aggregate of one: sent alone as
   * the default mode sends it plain, but under its group's key.
   */
  public aggregateOfOne(
    userRecord: BufferedUserRecord,
    group: string,
    shardId: string | undefined,
  ): ClosedAggregate {
    const aggregator = this.#aggregatorOfOne;
    // Only records with a key are aggregated (a stream placed by key gives each one).
    aggregator.add(userRecord as UserRecordInput, userRecord.source);
    const { sequence, putAt, bytes } = userRecord;
    return {
      aggregated: aggregator.flush()!,
      group,
      shardId,
      openedAt: putAt,
      sequences: [sequence],
      heldBytes: bytes,
      lastSequence: sequence,
    };
  }
}
