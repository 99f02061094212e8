// What the local Kinesis cannot do (throttle, fail, refuse ListShards) is played by
// aws-sdk-client-mock; everything else runs against kinesalite in KinesisProducer.kinesalite.test.ts.
import {
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { deaggregateBytes, KplInvalidRecordError, KplRecordTooLargeError } from '@kpl-lambda/core';
import {
  KinesisProducer,
  type KinesisProducerOptions,
  KplProducerConfigurationError,
  type ProducerLogger,
} from '@kpl-lambda/producer';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';

const kinesis = mockClient(KinesisClient);
const client = new KinesisClient({ region: 'us-east-1' });
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

const twoShards = {
  Shards: [
    {
      ShardId: 'shardId-0',
      HashKeyRange: { StartingHashKey: '0', EndingHashKey: (2n ** 127n - 1n).toString() },
      SequenceNumberRange: { StartingSequenceNumber: '1' },
    },
    {
      ShardId: 'shardId-1',
      HashKeyRange: {
        StartingHashKey: (2n ** 127n).toString(),
        EndingHashKey: (2n ** 128n - 1n).toString(),
      },
      SequenceNumberRange: { StartingSequenceNumber: '1' },
    },
  ],
};

/** The user records' data of each PutRecords call, in call order. */
let calls: string[][];
/** Decides each entry's fate; by default everything succeeds on shardId-0. */
let answer: (entry: PutRecordsRequestEntry, call: number) => PutRecordsResultEntry;

const dataOf = (entry: PutRecordsRequestEntry) =>
  deaggregateBytes(entry.Data!, { partitionKey: entry.PartitionKey! }).map((record) =>
    Buffer.from(record.data).toString(),
  );

beforeEach(() => {
  kinesis.reset();
  calls = [];
  answer = () => ({ SequenceNumber: '1', ShardId: 'shardId-0' });
  kinesis.on(ListShardsCommand).resolves(twoShards);
  kinesis.on(PutRecordsCommand).callsFake((input: { Records: PutRecordsRequestEntry[] }) => {
    const call = calls.push(input.Records.flatMap(dataOf)) - 1;
    const Records = input.Records.map((entry) => answer(entry, call));
    return { FailedRecordCount: Records.filter((record) => record.ErrorCode).length, Records };
  });
});

const throttled = {
  ErrorCode: 'ProvisionedThroughputExceededException',
  ErrorMessage: 'Rate exceeded',
};

describe('KinesisProducer retries', () => {
  it('retries throttled entries until they are written', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', aggregate: false, ...fast });
    answer = (entry, call) =>
      call === 0 && dataOf(entry)[0] === 'b'
        ? throttled
        : { SequenceNumber: '1', ShardId: 'shardId-0' };

    producer.putMany([
      { partitionKey: 'a', data: 'a' },
      { partitionKey: 'b', data: 'b' },
    ]);
    const { undeliverable } = await producer.flush();

    expect(undeliverable).toEqual([]);
    expect(calls).toEqual([['a', 'b'], ['b']]);
    expect(producer.metrics).toMatchObject({
      retries: 1,
      userRecordsWritten: 2,
      putRecordsRequests: 2,
    });
  });

  it('retries the entries a response leaves out', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', aggregate: false, ...fast });
    let call = 0;
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: PutRecordsRequestEntry[] }) => {
      calls.push(input.Records.flatMap(dataOf));
      // The first answer covers only the first entry.
      const answered = call++ === 0 ? input.Records.slice(0, 1) : input.Records;
      return {
        FailedRecordCount: 0,
        Records: answered.map(() => ({ SequenceNumber: '1', ShardId: 'shardId-0' })),
      };
    });

    producer.putMany([
      { partitionKey: 'a', data: 'a' },
      { partitionKey: 'b', data: 'b' },
    ]);

    expect(await producer.flush()).toEqual({ undeliverable: [] });
    expect(calls).toEqual([['a', 'b'], ['b']]);
  });

  it('refuses to be made without options', () => {
    expect(() => new KinesisProducer(undefined as never)).toThrow(KplProducerConfigurationError);
  });

  it('retries a whole call that failed', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', aggregate: false, ...fast });
    answer = (_, call) => {
      if (call === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return { SequenceNumber: '1', ShardId: 'shardId-0' };
    };

    producer.put({ partitionKey: 'a', data: 'a' });

    expect(await producer.flush()).toEqual({ undeliverable: [] });
    expect(calls).toHaveLength(2);
  });

  it('gives up after maxAttempts and returns the original records with their error codes', async () => {
    const logged: unknown[][] = [];
    const logger = {
      error: (...line: unknown[]) => logged.push(line),
    } as unknown as ProducerLogger;
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      maxAttempts: 3,
      logger,
      ...fast,
    });
    answer = () => throttled;
    const records = [
      { partitionKey: 'a', data: { n: 1 } },
      { partitionKey: 'b', data: 'two' },
    ];

    producer.putMany(records);
    const { undeliverable } = await producer.flush();

    // One aggregate per shard, retried concurrently: no order between the two give-ups.
    expect(undeliverable).toHaveLength(2);
    expect(undeliverable).toEqual(
      expect.arrayContaining(
        records.map((record) => ({
          record,
          errorCode: throttled.ErrorCode,
          errorMessage: throttled.ErrorMessage,
        })),
      ),
    );
    expect(undeliverable.map((failure) => failure.record)).toContain(records[0]);
    // Two aggregates (one per shard), each tried three times.
    expect(producer.metrics).toMatchObject({ failedUserRecords: 2, retries: 4 });
    expect(logged[0]![0]).toBe('Kinesis records given up');
    // Given up once, reported once: the next flush starts clean.
    expect(await producer.flush()).toEqual({ undeliverable: [] });
  });

  it('does not retry a call Kinesis refused for good', async () => {
    const producer = new KinesisProducer({
      client,
      streamName: 'missing',
      aggregate: false,
      ...fast,
    });
    answer = () => {
      throw Object.assign(new Error('Stream missing not found'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      });
    };

    producer.put({ partitionKey: 'a', data: 'a' });
    const { undeliverable } = await producer.flush();

    expect(calls).toHaveLength(1);
    expect(undeliverable).toEqual([
      {
        record: { partitionKey: 'a', data: 'a' },
        errorCode: 'ResourceNotFoundException',
        errorMessage: 'Stream missing not found',
      },
    ]);
  });
});

describe('KinesisProducer order under retries', () => {
  it('never lets a later record of a partition key overtake a failed one', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', aggregate: false, ...fast });
    let failures = 0;
    answer = (entry) =>
      dataOf(entry)[0] === 'k-1' && failures++ < 2
        ? throttled
        : { SequenceNumber: '1', ShardId: 'shardId-0' };

    producer.putMany(
      ['k-1', 'k-2', 'k-3', 'other-1'].map((data) => ({ partitionKey: data.split('-')[0]!, data })),
    );
    await producer.flush();

    // k-2 waits behind k-1, which is retried twice; other keys do not wait.
    expect(calls).toEqual([['k-1', 'other-1'], ['k-1'], ['k-1'], ['k-2'], ['k-3']]);
  });

  it('retries a throttled aggregate before any later aggregate of its shard', async () => {
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      maxRecordBytes: 1_024,
      ...fast,
    });
    let failures = 0;
    answer = (entry) =>
      failures++ === 0
        ? throttled
        : { SequenceNumber: '1', ShardId: entry.ExplicitHashKey ? 'shardId-1' : 'shardId-0' };

    // One partition key, so one shard: several aggregates in a row.
    for (let i = 0; i < 60; i++)
      producer.put({ partitionKey: 'same', data: `record-${i}`.padEnd(100, '.') });
    await producer.flush();

    const written = calls.slice(1).flat();
    expect(written).toEqual(Array.from({ length: 60 }, (_, i) => `record-${i}`.padEnd(100, '.')));
  });
});

describe('KinesisProducer aggregate size', () => {
  it('sends plain a user record larger than an aggregate may be, after what its shard held', async () => {
    const sent: PutRecordsRequestEntry[] = [];
    answer = (entry) => {
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

    expect(calls.flat()).toEqual(['a', 'b', big, 'c', 'd']);
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

    expect(producer.metrics.kinesisRecordsWritten).toBe(3);
  });
});

describe('KinesisProducer without a shard map', () => {
  it('keeps the aggregates of one explicit hash key in order under retries', async () => {
    kinesis
      .on(ListShardsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    let failures = 0;
    answer = () => (failures++ === 0 ? throttled : { SequenceNumber: '1', ShardId: 'shardId-0' });
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
    expect(calls[0]).toEqual(['1', '2']);
    expect(calls.slice(1).flat()).toEqual(order);
  });

  it('aggregates per explicit hash key or partition key, and says so once', async () => {
    kinesis
      .on(ListShardsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const warnings: unknown[][] = [];
    const logger = {
      warn: (...line: unknown[]) => warnings.push(line),
      info: () => undefined,
    } as unknown as ProducerLogger;
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

    expect(calls.flat().sort()).toEqual(records.map((record) => record.data).sort());
    expect(producer.metrics.kinesisRecordsWritten).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toContain('No shard map');
  });
});

describe('KinesisProducer put', () => {
  const producer = () => new KinesisProducer({ client, streamName: 's', ...fast });

  it('rejects a record larger than the record limit at put, not at flush', () => {
    expect(() => producer().put({ partitionKey: 'k', data: Buffer.alloc(1_048_576) })).toThrow(
      KplRecordTooLargeError,
    );
  });

  it.each([
    ['an empty partition key', { partitionKey: '', data: 'x' }],
    ['an invalid explicit hash key', { partitionKey: 'k', data: 'x', explicitHashKey: 'abc' }],
    ['no data', { partitionKey: 'k' }],
  ])('rejects %s', (_, record) => {
    expect(() => producer().put(record as never)).toThrow(KplInvalidRecordError);
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

    expect(calls.flat()).toEqual(['hi', 'héllo', '{"n":1,"list":[true,null]}', '7']);
  });

  it('takes the partition key from the record, a function, a field, or makes a random one', async () => {
    const keys: string[] = [];
    answer = (entry) => {
      keys.push(entry.PartitionKey!);
      return { SequenceNumber: '1', ShardId: 'shardId-0' };
    };
    const byField = new KinesisProducer({
      client,
      streamName: 's',
      aggregate: false,
      partitionKey: 'customerId',
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

    expect(calls).toEqual([['lingered']]);
  });

  it('writes full requests without waiting for flush', async () => {
    const p = new KinesisProducer({ client, streamName: 's', aggregate: false, ...fast });
    for (let i = 0; i < 1_200; i++) p.put({ partitionKey: `k${i}`, data: 'x' });

    await new Promise((resolve) => setImmediate(resolve));

    expect(calls.map((call) => call.length)).toEqual([500, 500]);
    await p.flush();
    expect(calls.map((call) => call.length)).toEqual([500, 500, 200]);
  });

  it.each([
    [{}],
    [{ streamName: 's', maxRecordBytes: 10_485_761 }],
    [{ streamName: 's', maxRequestBytes: 100, maxRecordBytes: 1_000 }],
    [{ streamName: 's', maxRecordsPerRequest: 501 }],
    [{ streamName: 's', maxAttempts: 0 }],
    [{ streamName: 's', partitionKey: 'a', partitionKeyFrom: 'b' }],
    [{ streamName: 's', partitionKeyFrom: 42 }],
    [{ streamName: 's', client: {} }],
    [{ streamName: 's', logger: 'console' }],
  ])('refuses the options %j', (options) => {
    expect(() => new KinesisProducer({ client, ...options } as KinesisProducerOptions)).toThrow(
      KplProducerConfigurationError,
    );
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
