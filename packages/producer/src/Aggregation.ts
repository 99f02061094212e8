import type { KinesisRecordQueues, QueuedKinesisRecord } from './KinesisRecordQueues.js';
import { aggregatedKinesisRecord, plainKinesisRecord } from './kinesisRecords.js';
import { type ClosedAggregate, OpenAggregates } from './OpenAggregates.js';
import type { ResolvedProducerOptions } from './options.js';
import type { BufferedUserRecord } from './userRecords.js';

/**
 * User records into the open aggregate of their group (a shard, or without a shard map a key),
 * and each finished aggregate into its group's queue. A user record too large for an aggregate
 * goes alone, plain, after what its group already holds.
 */
export class Aggregation {
  readonly #open: OpenAggregates;
  readonly #queues: KinesisRecordQueues;
  /** A user record larger than this goes alone. */
  readonly #aloneAbove: number;

  public constructor(options: ResolvedProducerOptions, queues: KinesisRecordQueues) {
    const { aggregationMaxBytes } = options;
    this.#queues = queues;
    this.#open = new OpenAggregates({
      maxBytes: aggregationMaxBytes,
      maxRecords: options.aggregationMaxCount,
      idleBytes: options.maxBufferedBytes,
    });
    this.#aloneAbove = aggregationMaxBytes;
  }

  /** When the oldest open aggregate opened. */
  public get oldestOpenedAt(): number | undefined {
    return this.#open.oldestOpenedAt;
  }

  /** Adds a user record to its group's aggregate, queueing the aggregate it filled. */
  public add(group: string, shardId: string | undefined, userRecord: BufferedUserRecord): void {
    if (userRecord.bytes > this.#aloneAbove) {
      this.#enqueue(this.#open.close(group));
      this.#queues.enqueue(plainKinesisRecord(userRecord, group, shardId, userRecord.putAt));
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
    return this.#open.closeOpenedBy(Number.POSITIVE_INFINITY).map(aggregatedKinesisRecord);
  }

  #enqueue(closed: ClosedAggregate | undefined): void {
    if (closed === undefined) return;
    this.#queues.enqueue(aggregatedKinesisRecord(closed));
  }
}
