import type { ResolvedProducerOptions } from '../options.js';
import type { KinesisRecordQueues, QueuedKinesisRecord } from '../sending/KinesisRecordQueues.js';
import type { BufferedUserRecord } from '../userRecords.js';
import { aggregatedKinesisRecord, plainKinesisRecord } from './kinesisRecords.js';
import { type ClosedAggregate, OpenAggregates } from './OpenAggregates.js';
import type { OrderedGroups } from './OrderedGroups.js';

/**
 * User records into the open aggregate of their group (a shard, or without a shard map a key; with
 * ordered groups, a group of a shard), and each finished aggregate into its group's queue. A user
 * record too large for an aggregate goes alone, after what its group already holds: plain, or with
 * ordered groups an aggregate of one, so that it has its group's key.
 */
export class Aggregation {
  readonly #open: OpenAggregates;
  readonly #queues: KinesisRecordQueues;
  readonly #groups: OrderedGroups | undefined;
  /** A user record larger than this goes alone. */
  readonly #aloneAbove: number;

  public constructor(
    options: ResolvedProducerOptions,
    queues: KinesisRecordQueues,
    groups: OrderedGroups | undefined,
  ) {
    const { aggregationMaxBytes } = options;
    this.#queues = queues;
    this.#groups = groups;
    this.#open = new OpenAggregates({
      aggregationMaxBytes: groups?.aggregatorMaxBytes(aggregationMaxBytes) ?? aggregationMaxBytes,
      aggregationMaxCount: options.aggregationMaxCount,
      idleBytes: options.maxBufferedBytes,
      aggregateSingleRecord: groups !== undefined,
    });
    this.#aloneAbove = groups?.aloneAbove(aggregationMaxBytes) ?? aggregationMaxBytes;
  }

  /** When the oldest open aggregate opened. */
  public get oldestOpenedAt(): number | undefined {
    return this.#open.oldestOpenedAt;
  }

  /** Adds a user record to its group's aggregate, queueing the aggregate it filled. */
  public add(group: string, shardId: string | undefined, userRecord: BufferedUserRecord): void {
    if (userRecord.bytes > this.#aloneAbove) {
      this.#enqueue(this.#open.close(group));
      const groups = this.#groups;
      this.#queues.enqueue(
        groups === undefined
          ? plainKinesisRecord(userRecord, group, shardId, userRecord.putAt)
          : aggregatedKinesisRecord(groups.aggregateOfOne(userRecord, group, shardId), groups),
      );
      return;
    }
    this.#enqueue(this.#open.add(group, shardId, userRecord));
  }

  /** Closes the aggregates opened at or before `openedBy` into their queues. */
  public closeOpenedBy(openedBy: number): void {
    for (const closed of this.#open.closeOpenedBy(openedBy)) this.#enqueue(closed);
  }

  /** Closes every open aggregate, and hands them back instead of queueing them. */
  public takeAll(): QueuedKinesisRecord[] {
    return this.#open
      .closeOpenedBy(Number.POSITIVE_INFINITY)
      .map((closed) => aggregatedKinesisRecord(closed, this.#groups));
  }

  #enqueue(closed: ClosedAggregate | undefined): void {
    if (closed === undefined) return;
    this.#queues.enqueue(aggregatedKinesisRecord(closed, this.#groups));
  }
}
