import { SHARD_WRITE_LIMITS } from '../constants.js';

/** A shard's allowance as of `at`: what it may still send without waiting. */
interface Bucket {
  records: number;
  bytes: number;
  at: number;
}

/**
 * The producer's own per-shard rate limit, as the KPL's `RateLimit`: each shard may send, per
 * second, `percent` of what Kinesis takes from it (records and bytes), with a second's worth of
 * burst, as Kinesis allows. A Kinesis record that would go past it waits for its shard, so that a
 * hot shard is not sent what Kinesis would refuse, and the other shards' records are not held
 * behind its retries. A record larger than a second's worth goes once the shard's allowance is
 * full, and leaves it in debt: it is never held for good.
 */
export class ShardRateLimiter {
  readonly #recordsPerSecond: number;
  readonly #bytesPerSecond: number;
  /** Shards that sent something; a missing one has its full allowance. */
  readonly #buckets = new Map<string, Bucket>();

  /** `percent` of `limits` (Kinesis's own by default) per shard. */
  public constructor(
    percent: number,
    limits: { recordsPerSecond: number; bytesPerSecond: number } = SHARD_WRITE_LIMITS,
  ) {
    this.#recordsPerSecond = (limits.recordsPerSecond * percent) / 100;
    this.#bytesPerSecond = (limits.bytesPerSecond * percent) / 100;
  }

  /** Whether a Kinesis record of `bytes` may go to the shard at `now`. */
  public allows(shardId: string, bytes: number, now: number): boolean {
    return this.readyAt(shardId, bytes) <= now;
  }

  /** When a Kinesis record of `bytes` may go to the shard (a time past, when it may now). */
  public readyAt(shardId: string, bytes: number): number {
    const bucket = this.#buckets.get(shardId);
    if (bucket === undefined) return Number.NEGATIVE_INFINITY;
    const recordsShort = 1 - bucket.records;
    const bytesShort = Math.min(bytes, this.#bytesPerSecond) - bucket.bytes;
    const wait = Math.max(recordsShort / this.#recordsPerSecond, bytesShort / this.#bytesPerSecond);
    return bucket.at + Math.max(0, wait) * 1000;
  }

  /** Takes a Kinesis record of `bytes` sent to the shard at `now` from its allowance. */
  public take(shardId: string, bytes: number, now: number): void {
    const bucket = this.#refilled(shardId, now);
    bucket.records -= 1;
    bucket.bytes -= bytes;
  }

  #refilled(shardId: string, now: number): Bucket {
    let bucket = this.#buckets.get(shardId);
    if (bucket === undefined) {
      bucket = { records: this.#recordsPerSecond, bytes: this.#bytesPerSecond, at: now };
      this.#buckets.set(shardId, bucket);
      return bucket;
    }
    const seconds = Math.max(0, now - bucket.at) / 1000;
    bucket.records = Math.min(
      this.#recordsPerSecond,
      bucket.records + seconds * this.#recordsPerSecond,
    );
    bucket.bytes = Math.min(this.#bytesPerSecond, bucket.bytes + seconds * this.#bytesPerSecond);
    bucket.at = now;
    return bucket;
  }
}
