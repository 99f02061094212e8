// The producer's per-shard rate limit, on a clock the test gives: a second's worth at once, then
// what each shard is allowed as time passes, each shard on its own.
import { ShardRateLimiter } from '../src/sending/ShardRateLimiter.js';

// 10 Kinesis records and 1,000 bytes a second per shard, at 100%.
const limits = { recordsPerSecond: 10, bytesPerSecond: 1_000 };

describe('ShardRateLimiter', () => {
  it("lets a shard send a second's worth of records at once, then one each tenth of a second", () => {
    const limiter = new ShardRateLimiter(100, limits);
    for (let i = 0; i < 10; i++) {
      expect(limiter.allows('hot', 1, 0)).toBe(true);
      limiter.take('hot', 1, 0);
    }

    expect(limiter.allows('hot', 1, 0)).toBe(false);
    expect(limiter.readyAt('hot', 1)).toBe(100);
    expect(limiter.allows('hot', 1, 99)).toBe(false);
    expect(limiter.allows('hot', 1, 100)).toBe(true);
    expect(limiter.allows('cold', 1, 0)).toBe(true);
  });

  it('bounds the bytes, and lets a record larger than a second of them go once the shard is full', () => {
    const limiter = new ShardRateLimiter(100, limits);
    limiter.take('shard', 600, 0);
    expect(limiter.allows('shard', 500, 0)).toBe(false);
    expect(limiter.readyAt('shard', 500)).toBe(100);

    // 5,000 bytes: it waits for a full second's worth, then leaves the shard in debt.
    expect(limiter.readyAt('shard', 5_000)).toBe(600);
    limiter.take('shard', 5_000, 600);
    expect(limiter.readyAt('shard', 1)).toBe(4_601);
  });

  it('scales with the percentage, as the KPL RateLimit does', () => {
    const limiter = new ShardRateLimiter(150, limits);
    for (let i = 0; i < 15; i++) limiter.take('shard', 1, 0);
    expect(limiter.allows('shard', 1, 0)).toBe(false);
    expect(limiter.readyAt('shard', 1)).toBeCloseTo(1_000 / 15);
  });
});
