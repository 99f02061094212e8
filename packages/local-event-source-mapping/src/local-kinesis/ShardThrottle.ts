/** What one shard takes per second; Kinesis's own: 1 MiB and 1,000 records. */
export interface ShardWriteLimits {
  bytesPerSecond: number;
  recordsPerSecond: number;
}

/**
 * Per-shard write limits as Kinesis applies them: each shard has a second's worth of bytes and
 * of records, refilled as time passes; a record that finds either spent is refused.
 */
export class ShardThrottle {
  readonly #limits: ShardWriteLimits;
  readonly #buckets = new Map<string, { bytes: number; records: number; at: number }>();

  public constructor(limits: ShardWriteLimits) {
    this.#limits = limits;
  }

  /**
   * Takes a record of `bytes` from the allowance of `shard` (one shard of one stream) at `now`;
   * false when it is refused.
   */
  public take(shard: string, bytes: number, now: number): boolean {
    const { bytesPerSecond, recordsPerSecond } = this.#limits;
    const bucket = this.#buckets.get(shard) ?? {
      bytes: bytesPerSecond,
      records: recordsPerSecond,
      at: now,
    };
    const elapsed = (now - bucket.at) / 1000;
    bucket.bytes = Math.min(bytesPerSecond, bucket.bytes + elapsed * bytesPerSecond);
    bucket.records = Math.min(recordsPerSecond, bucket.records + elapsed * recordsPerSecond);
    bucket.at = now;
    this.#buckets.set(shard, bucket);
    if (bucket.bytes < bytes || bucket.records < 1) return false;
    bucket.bytes -= bytes;
    bucket.records -= 1;
    return true;
  }
}
