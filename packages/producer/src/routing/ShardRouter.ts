import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { computeHashKeyHex } from '@kpl-lambda/core';
import type { OrderedGroups } from '../aggregation/OrderedGroups.js';
import type { Failure } from '../sending/RetryPolicy.js';
import type { BufferedUserRecord } from '../userRecords.js';
import { ShardMap } from './ShardMap.js';

/** Where a user record goes: its queue, and the shard it is meant for when that is known. */
export interface Route {
  group: string;
  shardId: string | undefined;
}

/** What learning the shard map came to. */
export type LearnOutcome =
  | { kind: 'same' }
  /** The routing changed (resharding, or a first map after routing without one). */
  | { kind: 'changed' }
  | { kind: 'failed'; failure: Failure; withMap: boolean; firstFailure: boolean };

/**
 * The shard map's lifecycle and the routing it gives. With a map, a user record goes to the shard
 * whose hash-key range holds its key. Without one (ListShards denied or failing before any map was
 * learnt), records with one explicit hash key, or one partition key, share a group, which Kinesis
 * routes to one shard. A failed refresh keeps the map it had, and learning is tried again later,
 * so a failure never changes where a key goes, and never for good.
 *
 * With `orderedGroupsPerShard` (see `OrderedGroups`), a shard's records, or those of one explicit
 * hash key, are grouped further by their partition key's group.
 */
export class ShardRouter {
  #map: ShardMap | undefined;
  #stale = false;
  /** After a failure, no new attempt before this time. */
  #retryAt = 0;
  #failing = false;
  /** Whether any record was routed without a map since the last map was learnt. */
  #routedWithoutMap = false;
  readonly #maxAgeMs: number;
  readonly #groups: OrderedGroups | undefined;
  /** With ordered groups: each shard's group names under the map in force, made once. */
  #groupNames = new Map<string, string[]>();

  public constructor(maxAgeMs: number, groups?: OrderedGroups) {
    this.#maxAgeMs = maxAgeMs;
    this.#groups = groups;
  }

  /** Whether the map should be learnt (again) before records are routed. */
  public needsLearning(now: number): boolean {
    if (now < this.#retryAt) return false;
    return this.#map === undefined || this.#stale || now - this.#map.loadedAt > this.#maxAgeMs;
  }

  /** A write landed on an unexpected shard: the map is out of date. */
  public markStale(): void {
    this.#stale = true;
  }

  /** The route of a user record by what is known now. */
  public route(userRecord: BufferedUserRecord): Route {
    // A key's route holds until the map changes: its MD5 is taken once per map, not per record.
    const key = userRecord.checkedPartitionKey;
    const map = this.#map;
    if (
      key !== undefined &&
      key.routedBy === map &&
      map !== undefined &&
      userRecord.explicitHashKey === undefined
    ) {
      return key.route!;
    }
    return this.#routeAfresh(userRecord);
  }

  #routeAfresh(userRecord: BufferedUserRecord): Route {
    const map = this.#map;
    // Records are routed by shard or key only on a stream placed by key, where each has a key.
    const partitionKey = userRecord.partitionKey!;
    const { explicitHashKey } = userRecord;
    if (map === undefined) {
      this.#routedWithoutMap = true;
      // One partition key is one group already.
      if (explicitHashKey === undefined) {
        return { group: `partition key ${partitionKey}`, shardId: undefined };
      }
      const groups = this.#groups;
      const group =
        groups === undefined
          ? explicitHashKey
          : `${explicitHashKey} ${groupName(groups.groupOf(partitionKey))}`;
      return { group, shardId: undefined };
    }
    if (explicitHashKey !== undefined) {
      const { shardId } = map.shardForExplicitHashKey(explicitHashKey);
      const groups = this.#groups;
      if (groups === undefined) return { group: shardId, shardId };
      return { group: this.#groupNameIn(shardId, groups.groupOf(partitionKey)), shardId };
    }
    const key = userRecord.checkedPartitionKey;
    if (key === undefined) return this.#routeByPartitionKey(map, partitionKey);
    if (key.routedBy !== map) {
      key.route = this.#routeByPartitionKey(map, partitionKey);
      key.routedBy = map;
    }
    return key.route!;
  }

  #routeByPartitionKey(map: ShardMap, partitionKey: string): Route {
    const hashKeyHex = computeHashKeyHex(partitionKey);
    const { shardId } = map.shardForHashKeyHex(hashKeyHex);
    const groups = this.#groups;
    if (groups === undefined) return { group: shardId, shardId };
    return { group: this.#groupNameIn(shardId, groups.groupOfHex(hashKeyHex)), shardId };
  }

  /** The name of a group of a shard, as its queue and its open aggregate know it. */
  #groupNameIn(shardId: string, group: number): string {
    let names = this.#groupNames.get(shardId);
    if (names === undefined) {
      names = Array.from(
        { length: this.#groups!.groupsPerShard },
        (_, g) => `${shardId} ${groupName(g)}`,
      );
      this.#groupNames.set(shardId, names);
    }
    return names[group]!;
  }

  /**
   * Lists the shards. Never rejects: a failure keeps what routing there was and is tried again
   * after `retryDelayMs`. Only `RecordPlacement`'s pass calls it, one at a time, and records put
   * meanwhile wait for the pass: none is routed while the map changes.
   */
  public async learn(
    client: KinesisClient,
    stream: { StreamName?: string; StreamARN?: string },
    describe: (error: unknown) => Failure,
    retryDelayMs: number,
  ): Promise<LearnOutcome> {
    try {
      const map = await ShardMap.load(client, stream);
      const previous = this.#map;
      const changed = previous === undefined ? this.#routedWithoutMap : !previous.sameShardsAs(map);
      this.#map = map;
      if (changed) this.#groupNames = new Map();
      this.#stale = false;
      this.#failing = false;
      this.#routedWithoutMap = false;
      return { kind: changed ? 'changed' : 'same' };
    } catch (error) {
      const firstFailure = !this.#failing;
      this.#failing = true;
      this.#retryAt = Date.now() + retryDelayMs;
      return {
        kind: 'failed',
        failure: describe(error),
        withMap: this.#map !== undefined,
        firstFailure,
      };
    }
  }
}

/** A group as part of a queue's name. */
const groupName = (group: number): string => `ordered group ${group}`;
