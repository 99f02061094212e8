import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { UserRecordsTally } from '../HeldRecords.js';
import type { ProducerCounters } from '../types.js';
import type { ShardRateLimiter } from './ShardRateLimiter.js';

/** A Kinesis record (an aggregate or a plain user record) waiting in its group's queue. */
export interface QueuedKinesisRecord extends UserRecordsTally {
  entry: PutRecordsRequestEntry;
  /** Its queue: a shard, or without a shard map an explicit hash key or partition key. */
  group: string;
  /** The shard it was built for, when the shard map was known. */
  expectedShardId: string | undefined;
  /** Data plus partition key, as Kinesis counts a record. */
  bytes: number;
  /**
   * When its first user record was put (its aggregate opened): its user records count as put
   * then when they are aggregated again after resharding.
   */
  firstPutAt: number;
  attempts: number;
  /** Not sent again before this time (backoff). */
  notBefore: number;
  /** Sent at this time even when its request is not full (linger). */
  dueAt: number;
  inFlight: boolean;
  /** Whether it waited for its shard's rate limit (counted once). */
  rateLimited: boolean;
  /** The error code of its last failed attempt, if any. */
  lastErrorCode: string | undefined;
}

/** The bounds of one PutRecords request, and of what each shard is sent. */
export interface RequestLimits {
  maxRecordsPerRequest: number;
  maxRequestBytes: number;
  /** Holds a Kinesis record whose shard is known until its shard may take it. */
  rateLimiter?: ShardRateLimiter | undefined;
}

/**
 * One FIFO queue of Kinesis records per group, and the assembly of PutRecords requests from their
 * heads. Only a queue's head is ever sent, and it stays at the head until it is written or given
 * up: that is what keeps the records of a partition key in order, retries included. A queue that
 * empties is removed, so the state held is bounded by what is buffered.
 */
export class KinesisRecordQueues {
  readonly #queues = new Map<string, QueuedKinesisRecord[]>();
  /** Groups whose head is not in flight, oldest first: requests take from the front. */
  readonly #idle = new Set<string>();
  readonly #counts: Pick<ProducerCounters, 'rateLimitedKinesisRecords'>;

  /** `counts`: where the Kinesis records held for their shard's rate limit are counted. */
  public constructor(counts = { rateLimitedKinesisRecords: 0 }) {
    this.#counts = counts;
  }

  /** Whether no Kinesis record waits or is in flight. */
  public get empty(): boolean {
    return this.#queues.size === 0;
  }

  public enqueue(kinesisRecord: QueuedKinesisRecord): void {
    const queue = this.#queues.get(kinesisRecord.group);
    if (queue !== undefined) {
      queue.push(kinesisRecord);
      return;
    }
    this.#queues.set(kinesisRecord.group, [kinesisRecord]);
    this.#idle.add(kinesisRecord.group);
  }

  /**
   * The heads that may go now, within the limits, marked in flight; or undefined. Unless `urgent`
   * (a flush, a full buffer), a request goes only when it is full or holds a record that is due.
   */
  public nextRequest(
    now: number,
    urgent: boolean,
    limits: RequestLimits,
  ): QueuedKinesisRecord[] | undefined {
    const request: QueuedKinesisRecord[] = [];
    let bytes = 0;
    let full = false;
    let due = urgent;
    const { rateLimiter } = limits;
    for (const group of this.#idle) {
      const head = this.#queues.get(group)![0]!;
      if (head.notBefore > now) continue;
      if (
        request.length === limits.maxRecordsPerRequest ||
        bytes + head.bytes > limits.maxRequestBytes
      ) {
        full = true;
        break;
      }
      if (rateLimiter !== undefined && !this.#mayGo(head, rateLimiter, now)) continue;
      request.push(head);
      bytes += head.bytes;
      if (head.dueAt <= now) due = true;
    }
    if (request.length === 0 || !(due || full || request.length === limits.maxRecordsPerRequest)) {
      return undefined;
    }
    for (const head of request) {
      head.inFlight = true;
      this.#idle.delete(head.group);
      const shardId = head.expectedShardId;
      if (rateLimiter !== undefined && shardId !== undefined) {
        rateLimiter.take(shardId, head.bytes, now);
      }
    }
    return request;
  }

  /** Whether its shard's rate limit lets a head go now (always, when its shard is not known). */
  #mayGo(head: QueuedKinesisRecord, rateLimiter: ShardRateLimiter, now: number): boolean {
    const shardId = head.expectedShardId;
    if (shardId === undefined || rateLimiter.allows(shardId, head.bytes, now)) return true;
    if (!head.rateLimited) {
      head.rateLimited = true;
      this.#counts.rateLimitedKinesisRecords++;
    }
    return false;
  }

  /**
   * Removes and hands back the heads not in flight that were put `ttlMs` ago or more (an
   * aggregate by its oldest user record), and those behind them that were too.
   */
  public takeExpired(now: number, ttlMs: number): QueuedKinesisRecord[] {
    const expired: QueuedKinesisRecord[] = [];
    for (const group of this.#idle) {
      const queue = this.#queues.get(group)!;
      while (queue.length > 0 && queue[0]!.firstPutAt + ttlMs <= now) expired.push(queue.shift()!);
      if (queue.length === 0) {
        this.#queues.delete(group);
        this.#idle.delete(group);
      }
    }
    return expired;
  }

  /** A head back from a failed attempt, to be sent again from `notBefore` on. */
  public release(kinesisRecord: QueuedKinesisRecord): void {
    kinesisRecord.inFlight = false;
    this.#idle.add(kinesisRecord.group);
  }

  /** Removes a head that was written or given up; the next record of its group becomes the head. */
  public remove(kinesisRecord: QueuedKinesisRecord): void {
    const queue = this.#queues.get(kinesisRecord.group)!;
    queue.shift();
    kinesisRecord.inFlight = false;
    if (queue.length === 0) {
      this.#queues.delete(kinesisRecord.group);
      this.#idle.delete(kinesisRecord.group);
    } else {
      this.#idle.add(kinesisRecord.group);
    }
  }

  /**
   * When the next head not in flight may go (its backoff, its shard's rate limit, and unless
   * urgent its linger), or is to be given up (`ttlMs` after its put).
   */
  public nextWakeAt(
    urgent: boolean,
    rateLimiter: ShardRateLimiter | undefined,
    ttlMs: number,
  ): number | undefined {
    let earliest: number | undefined;
    for (const group of this.#idle) {
      const head = this.#queues.get(group)![0]!;
      let at = urgent ? head.notBefore : Math.max(head.notBefore, head.dueAt);
      const shardId = head.expectedShardId;
      if (rateLimiter !== undefined && shardId !== undefined) {
        at = Math.max(at, rateLimiter.readyAt(shardId, head.bytes));
      }
      at = Math.min(at, head.firstPutAt + ttlMs);
      if (earliest === undefined || at < earliest) earliest = at;
    }
    return earliest;
  }

  /** Empties every queue and hands back their Kinesis records; only when nothing is in flight. */
  public takeAll(): QueuedKinesisRecord[] {
    const kinesisRecords = [...this.#queues.values()].flat();
    this.#queues.clear();
    this.#idle.clear();
    return kinesisRecords;
  }
}
