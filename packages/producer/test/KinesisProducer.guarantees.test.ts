// The promises of the README, each tried as an adversary would: two callers, a failing refresh,
// a throwing logger, a long-lived producer, many keys, a missing stream.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { aggregate, deaggregateBytes, isAggregated, KplInvalidRecordError } from '@kpl-lambda/core';
import { KinesisProducer, KplProducerBufferFullError } from '@kpl-lambda/producer';
import { throwingLogger } from '@kpl-lambda/testing-utils';
import {
  client,
  dataOf,
  denied,
  fast,
  kinesis,
  type MockStream,
  mockStream,
  shardOf,
  shards,
  sleep,
  throttled,
} from './helpers/mockKinesis.js';

let stream: MockStream;
beforeEach(() => {
  stream = mockStream(2);
});

describe('two callers sharing a producer', () => {
  it("each flush reports the records given up among those it waited for, and no one else's", async () => {
    const producer = new KinesisProducer({ client, streamName: 's', maxAttempts: 2, ...fast });
    stream.answer = (entry) =>
      dataOf(entry)[0] === 'b' ? throttled : { SequenceNumber: '1', ShardId: 'shardId-0' };

    producer.put({ partitionKey: 'a', data: 'a' });
    const flushOfA = producer.flush();
    producer.put({ partitionKey: 'b', data: 'b' });
    const flushOfB = producer.flush();

    const [resultOfA, resultOfB] = await Promise.all([flushOfA, flushOfB]);
    expect(resultOfA.undeliverable).toEqual([]);
    expect(resultOfB.undeliverable.map(({ record }) => record.data)).toEqual(['b']);
    expect(await producer.flush()).toEqual({ undeliverable: [] });
  });

  it('each flush waits for the records put before it, when they share an aggregate with later ones', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', ...fast });

    producer.put({ partitionKey: 'a', data: 'first' });
    const flushOfFirst = producer.flush();
    producer.put({ partitionKey: 'a', data: 'second' });
    const flushOfBoth = producer.flush();

    expect(await Promise.all([flushOfFirst, flushOfBoth])).toEqual([
      { undeliverable: [] },
      { undeliverable: [] },
    ]);
    expect(producer.counters.kinesisRecordsWritten).toBe(1);
    expect(stream.calls.flat()).toEqual(['first', 'second']);
  });

  it('reports a record given up to every flush that waited for it', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', maxAttempts: 2, ...fast });
    stream.answer = () => throttled;

    producer.put({ partitionKey: 'a', data: 'a' });
    const results = await Promise.all([producer.flush(), producer.flush()]);

    for (const { undeliverable } of results) expect(undeliverable).toHaveLength(1);
  });

  it('reports a record given up before any flush to the next flush', async () => {
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      maxAttempts: 1,
      maxBufferedMs: 0,
    });
    stream.answer = () => throttled;

    producer.put({ partitionKey: 'a', data: 'lingered' });
    await sleep(30);

    expect(producer.bufferedRecords).toBe(0);
    expect((await producer.flush()).undeliverable).toHaveLength(1);
    expect((await producer.flush()).undeliverable).toHaveLength(0);
  });
});

describe('a failed shard-map refresh', () => {
  /**
   * Throttles k-1 until the test lets it through, so that k-2 is put while k-1 waits; notes the
   * user records written, in order.
   */
  const holdFirstRecord = () => {
    const hold = { on: true, written: [] as string[] };
    stream.answer = (entry) => {
      if (hold.on && dataOf(entry).includes('k-1')) return throttled;
      hold.written.push(...dataOf(entry));
      return { SequenceNumber: '1', ShardId: shardOf(entry, 2) };
    };
    return hold;
  };
  const patient = { ...fast, maxAttempts: 1_000, shardMapMaxAgeMs: 20 };
  /** Puts k-2 while k-1 is held back, flushes, then lets k-1 through: k-2 must come after it. */
  const putK2AndExpectItAfterK1 = async (
    producer: KinesisProducer,
    hold: ReturnType<typeof holdFirstRecord>,
  ) => {
    producer.put({ partitionKey: 'k', data: 'k-2' });
    const flushed = producer.flush();
    await sleep(20); // k-2 would be sent now if it had gone to another queue
    hold.on = false;
    await flushed;

    // Written once each, k-1 first (maybe in one aggregate with k-2, when they were aggregated
    // again together for the map).
    expect(hold.written).toEqual(['k-1', 'k-2']);
  };

  it('keeps the old map, so a later record of a key never overtakes an earlier one', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', ...patient });
    const hold = holdFirstRecord();
    producer.put({ partitionKey: 'k', data: 'k-1' });
    await sleep(10);
    kinesis.on(ListShardsCommand).rejects(denied('LimitExceededException'));
    await sleep(20); // the map is now older than shardMapMaxAgeMs

    await putK2AndExpectItAfterK1(producer, hold);
  });

  it('does not give up on the map for good: it learns it again later', async () => {
    kinesis.on(ListShardsCommand).rejectsOnce(denied('LimitExceededException')).resolves(shards(2));
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      shardMapMaxAgeMs: 20,
      ...fast,
    });

    producer.put({ partitionKey: 'a', data: 'without a map' });
    await producer.flush();
    await sleep(30);
    producer.put({ partitionKey: 'a', data: 'with a map' });
    await producer.flush();

    expect(kinesis.commandCalls(ListShardsCommand)).toHaveLength(2);
    // With a map, the aggregate is built for its shard; a misroute would be counted.
    expect(producer.counters).toMatchObject({ userRecordsWritten: 2, misroutedKinesisRecords: 0 });
  });

  it('keeps order per key when the first map replaces routing without one', async () => {
    kinesis.on(ListShardsCommand).rejectsOnce(denied('LimitExceededException')).resolves(shards(2));
    const producer = new KinesisProducer({ client, streamName: 's', ...patient });
    const hold = holdFirstRecord();

    producer.put({ partitionKey: 'k', data: 'k-1' });
    await sleep(30);
    await putK2AndExpectItAfterK1(producer, hold);
  });
});

describe('a logger that throws', () => {
  const throwing = throwingLogger();

  it('changes nothing when records are given up', async () => {
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      maxAttempts: 1,
      logger: throwing,
    });
    stream.answer = (entry) =>
      dataOf(entry)[0] === 'refused' ? throttled : { SequenceNumber: '1', ShardId: 'shardId-0' };

    producer.put({ partitionKey: 'a', data: 'refused' });
    expect((await producer.flush()).undeliverable).toHaveLength(1);
    producer.put({ partitionKey: 'a', data: 'next' });

    expect(await producer.flush()).toEqual({ undeliverable: [] });
    expect(stream.calls.flat()).toEqual(['refused', 'next']);
  });

  it('changes nothing without a shard map, and flush neither spins nor starves timers', async () => {
    kinesis.on(ListShardsCommand).rejects(denied('AccessDeniedException'));
    const producer = new KinesisProducer({ client, streamName: 's', logger: throwing });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);

    producer.put({ partitionKey: 'a', data: 'x' });
    const flushed = producer.flush();
    await sleep(20);
    clearInterval(ticker);

    expect(await flushed).toEqual({ undeliverable: [] });
    expect(ticks).toBeGreaterThan(0);
    expect(stream.calls.flat()).toEqual(['x']);
  });
});

describe('a long-lived producer', () => {
  it('sends on its own within maxBufferedMs (default 100 ms) and holds nothing after', async () => {
    stream = mockStream(4);
    const producer = new KinesisProducer({ client, streamName: 's' });

    for (let i = 0; i < 30_000; i++)
      producer.put({ partitionKey: `k${i % 500}`, data: 'x'.repeat(100) });
    await sleep(400);

    expect(producer.counters.userRecordsWritten).toBe(30_000);
    expect(producer.bufferedRecords).toBe(0);
    expect(producer.bufferedBytes).toBe(0);
  });

  it('sends a full aggregate at once, before maxBufferedMs', async () => {
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      aggregationMaxBytes: 1_000,
      maxBufferedMs: 60_000,
    });

    for (let i = 0; i < 30; i++) producer.put({ partitionKey: 'same', data: 'x'.repeat(100) });
    await sleep(10);

    expect(producer.counters.kinesisRecordsWritten).toBeGreaterThanOrEqual(3);
    expect(producer.bufferedRecords).toBeGreaterThan(0); // the last, unfilled aggregate waits
    await producer.flush();
  });

  it('gives backpressure at its bound, and a documented error past it', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', maxBufferedRecords: 3 });

    expect(producer.put({ partitionKey: 'a', data: '1' })).toBe(true);
    expect(producer.put({ partitionKey: 'a', data: '2' })).toBe(true);
    expect(producer.put({ partitionKey: 'a', data: '3' })).toBe(false);
    expect(producer.writable).toBe(false);
    expect(() => producer.put({ partitionKey: 'a', data: '4' })).toThrow(
      KplProducerBufferFullError,
    );

    await producer.whenWritable();
    expect(producer.put({ partitionKey: 'a', data: '4' })).toBe(true);
    await producer.flush();
    expect(stream.calls.flat()).toEqual(['1', '2', '3', '4']);
  });

  it('bounds the bytes it holds too', () => {
    const producer = new KinesisProducer({ client, streamName: 's', maxBufferedBytes: 1_048_576 });

    expect(producer.put({ partitionKey: 'a', data: Buffer.alloc(1_048_575) })).toBe(false);
    expect(() => producer.put({ partitionKey: 'a', data: 'x' })).toThrow(
      KplProducerBufferFullError,
    );
    return producer.flush();
  });
});

describe('without a shard map, many partition keys', () => {
  it('keeps no state for a key once its records are written', async () => {
    kinesis.on(ListShardsCommand).rejects(denied('AccessDeniedException'));
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const producer = new KinesisProducer({ client, streamName: 's', aggregate: true });
    await producer.flush();
    gc();
    const before = process.memoryUsage().heapUsed;

    for (let i = 0; i < 50_000; i++) producer.put({ partitionKey: `random-${i}`, data: 'x' });
    await producer.flush();
    // The mock keeps every call it answered: only the producer's own state is measured.
    stream.calls = [];
    kinesis.resetHistory();
    gc();

    expect(producer.counters.userRecordsWritten).toBe(50_000);
    // One aggregator and one queue per key would hold tens of MB here.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1_048_576);
  });
});

describe('errors no retry can fix', () => {
  it('gives up at once on a missing stream, and says so once, clearly', async () => {
    kinesis.on(ListShardsCommand).rejects(denied('ResourceNotFoundException'));
    kinesis.on(PutRecordsCommand).rejects(denied('ResourceNotFoundException'));
    const lines: Array<[string, string]> = [];
    const logger = {
      info: (message: string) => lines.push(['info', message]),
      warn: (message: string) => lines.push(['warn', message]),
      error: (message: string) => lines.push(['error', message]),
    };
    const producer = new KinesisProducer({ client, streamName: 'missing', logger });

    producer.putMany([1, 2, 3].map((n) => ({ partitionKey: 'k', data: n })));
    const { undeliverable } = await producer.flush();

    expect(undeliverable.map((failure) => failure.errorCode)).toEqual(
      Array(3).fill('ResourceNotFoundException'),
    );
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
    expect(lines).toEqual([['error', expect.stringContaining('ResourceNotFoundException')]]);
    expect(producer.counters.failedUserRecords).toBe(3);
  });

  it('refuses at put data that cannot be serialised', () => {
    const producer = new KinesisProducer({ client, streamName: 's' });

    for (const data of [{ amount: 10n }, (() => {}) as never, Symbol('x') as never]) {
      expect(() => producer.put({ partitionKey: 'k', data: data as never })).toThrow(
        KplInvalidRecordError,
      );
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => producer.put({ partitionKey: 'k', data: cyclic as never })).toThrow(
      KplInvalidRecordError,
    );
    expect(producer.bufferedRecords).toBe(0);
  });

  it('refuses at put a record whose partitionKey function throws', () => {
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      partitionKeyFrom: () => {
        throw new Error('no key');
      },
    });

    expect(() => producer.put({ data: 'x' })).toThrow(KplInvalidRecordError);
  });
});

describe('a user record whose data is itself an aggregate', () => {
  const inner = aggregate([
    { partitionKey: 'i-1', data: 'a' },
    { partitionKey: 'i-2', data: 'b' },
  ])[0]!.data;

  it.each([true, false])('arrives as it was put (aggregate: %s)', async (aggregating) => {
    const sent: Uint8Array[] = [];
    stream.answer = (entry) => {
      sent.push(entry.Data!);
      return { SequenceNumber: '1', ShardId: shardOf(entry, 2) };
    };
    const producer = new KinesisProducer({ client, streamName: 's', aggregate: aggregating });

    producer.put({ partitionKey: 'forwarded', data: inner });
    await producer.flush();

    expect(isAggregated(sent[0]!)).toBe(true);
    expect(deaggregateBytes(sent[0]!, { partitionKey: 'forwarded' }).map((r) => r.data)).toEqual([
      inner,
    ]);
  });
});
