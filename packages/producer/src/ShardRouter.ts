import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Failure } from './RetryPolicy.js';
import { ShardMap } from './ShardMap.js';
import type { BufferedUserRecord } from './userRecords.js';

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
 */
export class ShardRouter {
  #map: ShardMap | undefined;
  #stale = false;
  #learning = false;
  /** After a failure, no new attempt before this time. */
  #retryAt = 0;
  #failing = false;
  /** Whether any record was routed without a map since the last map was learnt. */
  #routedWithoutMap = false;
  readonly #maxAgeMs: number;

  public constructor(maxAgeMs: number) {
    this.#maxAgeMs = maxAgeMs;
  }

  public get learning(): boolean {
    return this.#learning;
  }

  /** Whether the map should be learnt (again) before records are routed. */
  public needsLearning(now: number): boolean {
    if (this.#learning || now < this.#retryAt) return false;
    return this.#map === undefined || this.#stale || now - this.#map.loadedAt > this.#maxAgeMs;
  }

  /** A write landed on an unexpected shard: the map is out of date. */
  public markStale(): void {
    this.#stale = true;
  }

  /** The route of a user record by what is known now; undefined while the map is learnt. */
  public route(userRecord: BufferedUserRecord): Route | undefined {
    // A key's route holds until the map changes: its MD5 is taken once per map, not per record.
    const key = userRecord.checkedPartitionKey;
    const map = this.#map;
    if (
      key !== undefined &&
      key.routedBy === map &&
      map !== undefined &&
      !this.#learning &&
      userRecord.explicitHashKey === undefined
    ) {
      return key.route;
    }
    return this.#routeAfresh(userRecord);
  }

  #routeAfresh(userRecord: BufferedUserRecord): Route | undefined {
    if (this.#learning) return undefined;
    const map = this.#map;
    if (map === undefined) {
      this.#routedWithoutMap = true;
      const { explicitHashKey, partitionKey } = userRecord;
      return { group: explicitHashKey ?? `partition key ${partitionKey}`, shardId: undefined };
    }
    if (userRecord.explicitHashKey !== undefined) {
      const { shardId } = map.shardForExplicitHashKey(userRecord.explicitHashKey);
      return { group: shardId, shardId };
    }
    const key = userRecord.checkedPartitionKey;
    if (key === undefined) {
      // Records are routed by shard only on a stream placed by key, where each has one.
      const { shardId } = map.shardForPartitionKey(userRecord.partitionKey!);
      return { group: shardId, shardId };
    }
    if (key.routedBy !== map) {
      const { shardId } = map.shardForPartitionKey(key.partitionKey);
      key.route = { group: shardId, shardId };
      key.routedBy = map;
    }
    return key.route!;
  }

  /**
   * Lists the shards. Never rejects: a failure keeps what routing there was and is tried again
   * after `retryDelayMs`.
   */
  public async learn(
    client: KinesisClient,
    stream: { StreamName?: string; StreamARN?: string },
    describe: (error: unknown) => Failure,
    retryDelayMs: number,
  ): Promise<LearnOutcome> {
    this.#learning = true;
    try {
      const map = await ShardMap.load(client, stream);
      const previous = this.#map;
      const changed = previous === undefined ? this.#routedWithoutMap : !previous.sameShardsAs(map);
      this.#map = map;
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
    } finally {
      this.#learning = false;
    }
  }
}
