// What the local Kinesis cannot do (throttle, fail, refuse ListShards) is played by
// aws-sdk-client-mock; everything else runs against kinesalite in KinesisProducer.kinesalite.test.ts.
import {
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { deaggregateBytes, KplInvalidRecordError, KplRecordTooLargeError } from '@kpl-lambda/core';
import { KinesisProducer } from '@kpl-lambda/producer';
import fc from 'fast-check';
import {
  client,
  fast,
  kinesis,
  type MockStream,
  mockStream,
  streamLearnt,
  throttled,
} from './helpers/mockKinesis.js';

let stream: MockStream;
beforeEach(() => {
  stream = mockStream(2);
});

describe('KinesisProducer aggregate size', () => {
  it('sends plain a user record larger than an aggregate may be, after what its shard held', async () => {
    const sent: PutRecordsRequestEntry[] = [];
    stream.answer = (entry) => {
      sent.push(entry);
      return { SequenceNumber: '1', ShardId: 'shardId-0' };
    };
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      aggregationMaxBytes: 1_000,
      ...fast,
    });
    const big = 'big'.padEnd(2_000, '.');

    producer.putMany(['a', 'b', big, 'c', 'd'].map((data) => ({ partitionKey: 'same', data })));
    await producer.flush();

    expect(stream.calls.flat()).toEqual(['a', 'b', big, 'c', 'd']);
    expect(sent.map((entry) => Buffer.from(entry.Data!).toString() === big)).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('bounds the user records of an aggregate with aggregationMaxCount', async () => {
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      aggregationMaxCount: 4,
      ...fast,
    });

    for (let i = 0; i < 10; i++) producer.put({ partitionKey: 'same', data: `${i}` });
    await producer.flush();

    expect(producer.counters.kinesisRecordsWritten).toBe(3);
  });
});

describe('KinesisProducer without a shard map', () => {
  it('keeps the aggregates of one explicit hash key in order under retries', async () => {
    kinesis
      .on(ListShardsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    let failures = 0;
    stream.answer = () =>
      failures++ === 0 ? throttled : { SequenceNumber: '1', ShardId: 'shardId-0' };
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      aggregationMaxCount: 2,
      ...fast,
    });
    const order = ['1', '2', '3', '4', '5', '6'];

    // One explicit hash key, so one shard, and one queue: partition keys vary inside it.
    producer.putMany(
      order.map((data) => ({ partitionKey: `key-${data}`, data, explicitHashKey: '42' })),
    );
    await producer.flush();

    // The first aggregate is throttled; nothing behind it may be written before it.
    expect(stream.calls[0]).toEqual(['1', '2']);
    expect(stream.calls.slice(1).flat()).toEqual(order);
  });

  it('aggregates per explicit hash key or partition key, and says so once', async () => {
    kinesis
      .on(ListShardsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const warnings: unknown[][] = [];
    const logger = {
      warn: (...line: unknown[]) => warnings.push(line),
      info: () => undefined,
      error: () => undefined,
    };
    const producer = new KinesisProducer({ client, streamName: 's', logger, ...fast });
    const records = [
      ...Array.from({ length: 5 }, (_, i) => ({
        partitionKey: `k${i}`,
        data: `hk-${i}`,
        explicitHashKey: '42',
      })),
      ...Array.from({ length: 5 }, (_, i) => ({ partitionKey: 'same', data: `pk-${i}` })),
      { partitionKey: 'alone', data: 'alone' },
    ];

    producer.putMany(records);
    await producer.flush();

    expect(stream.calls.flat().sort()).toEqual(records.map((record) => record.data).sort());
    expect(producer.counters.kinesisRecordsWritten).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toContain('No shard map');
  });
});

describe('KinesisProducer put', () => {
  const producer = () => new KinesisProducer({ client, streamName: 's', ...fast });

  it('rejects a record larger than the record limit at put, not at flush, once the stream is known', async () => {
    const p = producer();
    await streamLearnt();

    expect(() => p.put({ partitionKey: 'k', data: Buffer.alloc(1_048_576) })).toThrow(
      KplRecordTooLargeError,
    );
    expect(p.bufferedRecords).toBe(0);
  });

  it.each([
    ['an empty partition key', { partitionKey: '', data: 'x' }],
    ['an invalid explicit hash key', { partitionKey: 'k', data: 'x', explicitHashKey: 'abc' }],
    ['no data', { partitionKey: 'k' }],
  ])('rejects %s', (_, record) => {
    expect(() => producer().put(record as never)).toThrow(KplInvalidRecordError);
  });

  it.each([
    [
      { data: 'x', PartitionKey: 'k' },
      'A record has no field PartitionKey: did you mean partitionKey?',
    ],
    [
      { data: 'x', partition_key: 'k' },
      'A record has no field partition_key: did you mean partitionKey?',
    ],
    [
      { data: 'x', key: 'k' },
      'A record has no field key; its fields are data, partitionKey, explicitHashKey',
    ],
  ])('refuses %j rather than give it a random key, and takes nothing', (record, message) => {
    const p = producer();
    expect(() => p.put(record as never)).toThrow(new KplInvalidRecordError(message));
    expect(p.bufferedRecords).toBe(0);
  });

  it('serialises bytes as they are, text as UTF-8 and other values as JSON', async () => {
    const p = new KinesisProducer({ client, streamName: 's', aggregate: false, ...fast });
    p.putMany([
      { partitionKey: 'a', data: Uint8Array.of(104, 105) },
      { partitionKey: 'b', data: 'héllo' },
      { partitionKey: 'c', data: { n: 1, list: [true, null] } },
      { partitionKey: 'd', data: 7 },
    ]);
    await p.flush();

    expect(stream.calls.flat()).toEqual(['hi', 'héllo', '{"n":1,"list":[true,null]}', '7']);
  });

  it('takes the partition key from the record, a function, a field, or makes a random one', async () => {
    const keys: string[] = [];
    stream.answer = (entry) => {
      keys.push(entry.PartitionKey!);
      return { SequenceNumber: '1', ShardId: 'shardId-0' };
    };
    const byField = new KinesisProducer({
      client,
      streamName: 's',
      aggregate: false,
      partitionKeyFrom: 'customerId',
      ...fast,
    });
    const byFunction = new KinesisProducer({
      client,
      streamName: 's',
      aggregate: false,
      partitionKeyFrom: (record) => `fn-${JSON.stringify(record.data)}`,
      ...fast,
    });

    byField.putMany([
      { data: { customerId: 42 } },
      { data: { other: 1 } },
      { data: 'text' },
      { data: 'x', partitionKey: 'given' },
    ]);
    await byField.flush();
    byFunction.put({ data: 1 });
    await byFunction.flush();

    expect(keys[0]).toBe('42');
    expect(keys[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[2]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[3]).toBe('given');
    expect(keys[4]).toBe('fn-1');
  });

  it('writes on its own after maxBufferedMs', async () => {
    const p = new KinesisProducer({
      client,
      streamName: 's',
      aggregate: false,
      maxBufferedMs: 10,
      ...fast,
    });
    p.put({ partitionKey: 'a', data: 'lingered' });

    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(stream.calls).toEqual([['lingered']]);
  });

  it('keeps no timer once everything is written: an idle process may exit', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] });
    try {
      const p = new KinesisProducer({ client, streamName: 's', maxBufferedMs: 60_000, ...fast });

      for (let i = 0; i < 100; i++) p.put({ partitionKey: `k${i}`, data: 'x' });
      await new Promise((resolve) => setImmediate(resolve)); // the shard map is learnt
      expect(jest.getTimerCount()).toBe(1); // the linger
      await p.flush();

      expect([p.bufferedRecords, jest.getTimerCount()]).toEqual([0, 0]);
    } finally {
      jest.useRealTimers();
    }
  });

  it.each([
    ['undefined', () => undefined],
    ['a number', () => 42],
    ['a promise', async () => 'key'],
  ])('refuses at put a record whose partitionKeyFrom gives %s, taking nothing', (_, from) => {
    const p = new KinesisProducer({ client, streamName: 's', partitionKeyFrom: from as never });

    expect(() => p.put({ data: 'x' })).toThrow(KplInvalidRecordError);
    expect(p.bufferedRecords).toBe(0);
  });

  it('writes full requests without waiting for flush', async () => {
    // No linger: on a slow machine the burst's clock would make the last 200 due at once.
    const p = new KinesisProducer({
      client,
      streamName: 's',
      aggregate: false,
      maxBufferedMs: Number.POSITIVE_INFINITY,
      ...fast,
    });
    for (let i = 0; i < 1_200; i++) p.put({ partitionKey: `k${i}`, data: 'x' });

    await new Promise((resolve) => setImmediate(resolve));

    expect(stream.calls.map((call) => call.length)).toEqual([500, 500]);
    await p.flush();
    expect(stream.calls.map((call) => call.length)).toEqual([500, 500, 200]);
  });
});

describe('KinesisProducer limits (property)', () => {
  it('never sends a request or a record beyond the limits, and writes every record once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            partitionKey: fc.string({ minLength: 1, maxLength: 20 }),
            data: fc.uint8Array({ maxLength: 3_000 }),
          }),
          { maxLength: 300 },
        ),
        fc.integer({ min: 3_100, max: 20_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.boolean(),
        async (records, maxRecordBytes, maxRecordsPerRequest, aggregate) => {
          const requests: PutRecordsRequestEntry[][] = [];
          kinesis
            .on(PutRecordsCommand)
            .callsFake((input: { Records: PutRecordsRequestEntry[] }) => {
              requests.push(input.Records);
              return {
                FailedRecordCount: 0,
                Records: input.Records.map(() => ({ SequenceNumber: '1', ShardId: 'shardId-0' })),
              };
            });
          const maxRequestBytes = maxRecordBytes * 3;
          const producer = new KinesisProducer({
            client,
            streamName: 's',
            aggregate,
            maxRecordBytes,
            maxRequestBytes,
            maxRecordsPerRequest,
            ...fast,
          });

          producer.putMany(records);
          await producer.flush();

          const size = (entry: PutRecordsRequestEntry) =>
            entry.Data!.length + Buffer.byteLength(entry.PartitionKey!);
          for (const request of requests) {
            expect(request.length).toBeLessThanOrEqual(maxRecordsPerRequest);
            expect(request.reduce((sum, entry) => sum + size(entry), 0)).toBeLessThanOrEqual(
              maxRequestBytes,
            );
            for (const entry of request) expect(size(entry)).toBeLessThanOrEqual(maxRecordBytes);
          }
          const written = requests
            .flat()
            .flatMap((entry) =>
              deaggregateBytes(entry.Data!, { partitionKey: entry.PartitionKey! }),
            );
          expect(written.map((record) => Buffer.from(record.data).toString('hex')).sort()).toEqual(
            records.map((record) => Buffer.from(record.data).toString('hex')).sort(),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
