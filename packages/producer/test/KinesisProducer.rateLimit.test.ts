// The per-shard rate limit against a local Kinesis that applies Kinesis's per-shard write limits,
// scaled down to 1% (10 Kinesis records and about 10 KB a second per shard) so that a few seconds
// show what ten seconds at full scale would. Judged by the local Kinesis's own counts, not by time.
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { KinesisProducer, type PutResult } from '@kpl-lambda/producer';

// 1% of a shard's limits, as the producer's rateLimit: 1 computes them (bytes rounded up).
const shardWriteLimits = { recordsPerSecond: 10, bytesPerSecond: 10_486 };

let kinesis: LocalKinesis;
// A Kinesis of its own per test: its allowance per shard is not shared with another test's.
beforeEach(async () => {
  kinesis = await startLocalKinesis({ shardWriteLimits });
  await kinesis.createStream('orders', 4);
});
afterEach(() => kinesis.stop());

/** 80 bytes of data: aggregates of 10 user records weigh about a Kinesis record's share of bytes. */
const data = (i: number) => `${i}`.padEnd(80, '.');

describe('the per-shard rate limit', () => {
  it('keeps the shard of a key that carries half the traffic under its limit, while the other shards run at full speed', async () => {
    const producer = new KinesisProducer({
      client: kinesis.client,
      streamName: 'orders',
      rateLimit: 1,
      aggregationMaxCount: 10,
    });
    const records = Array.from({ length: 640 }, (_, i) => ({
      partitionKey: i % 2 === 0 ? 'hot' : `customer-${i}`,
      data: data(i),
    }));
    const settled: PutResult[] = [];

    const results = records.map((record) =>
      producer.putWithResult(record).then((result) => {
        settled.push(result);
        return result;
      }),
    );
    expect((await producer.flush()).undeliverable).toEqual([]);
    const written = await Promise.all(results);

    const hotShard = written[0]!.shardId;
    const onHotShard = (result: PutResult) => result.shardId === hotShard;
    const hotKinesisRecords = new Set(written.filter(onHotShard).map((r) => r.sequenceNumber));
    // The hot shard was sent more than a second's worth: the limit had something to hold.
    expect(hotKinesisRecords.size).toBeGreaterThan(3 * shardWriteLimits.recordsPerSecond);
    expect(producer.counters.rateLimitedKinesisRecords).toBeGreaterThan(0);
    // Kinesis refused (almost) nothing of it: the producer held it under the limit.
    expect(kinesis.throttledRecords).toBeLessThanOrEqual(hotKinesisRecords.size / 10);
    expect(producer.counters.throttledKinesisRecords).toBe(kinesis.throttledRecords);
    // The other shards did not wait for it: all their records were written while more than half
    // of the hot shard's still waited.
    const coldCount = written.filter((result) => !onHotShard(result)).length;
    let coldSeen = 0;
    const hotBeforeLastCold = settled.filter((result) => {
      if (!onHotShard(result)) coldSeen++;
      return coldSeen < coldCount && onHotShard(result);
    }).length;
    expect(hotBeforeLastCold).toBeLessThan(written.filter(onHotShard).length / 2);
  }, 30_000);

  it('gives a record up at its first throttle with failIfThrottled, and retries none', async () => {
    const producer = new KinesisProducer({
      client: kinesis.client,
      streamName: 'orders',
      rateLimit: Number.POSITIVE_INFINITY,
      failIfThrottled: true,
      aggregationMaxCount: 10,
    });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 300 }, (_, i) =>
        producer.putWithResult({ partitionKey: 'hot', data: data(i) }),
      ),
    );
    const { undeliverable } = await producer.flush();

    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(undeliverable).toHaveLength(rejected.length);
    expect(new Set(undeliverable.map(({ errorCode }) => errorCode))).toEqual(
      new Set(['ProvisionedThroughputExceededException']),
    );
    expect(producer.counters).toMatchObject({
      retries: 0,
      throttledKinesisRecords: kinesis.throttledRecords,
      failedUserRecords: rejected.length,
      userRecordsWritten: 300 - rejected.length,
    });
  });
});
