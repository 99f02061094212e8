// Retries and the order they keep, against aws-sdk-client-mock (the local Kinesis cannot throttle
// or fail): throttled, left-out and failed entries, failed calls, and what is finally given up.
import { PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { KinesisProducer, KplProducerConfigurationError } from '@kpl-lambda/producer';
import {
  client,
  dataOf,
  fast,
  kinesis,
  type MockStream,
  mockStream,
  throttled,
} from './helpers/mockKinesis.js';

let stream: MockStream;
beforeEach(() => {
  stream = mockStream(2);
});

describe('KinesisProducer retries', () => {
  it('retries throttled entries until they are written', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', aggregate: false, ...fast });
    stream.answer = (entry, call) =>
      call === 0 && dataOf(entry)[0] === 'b'
        ? throttled
        : { SequenceNumber: '1', ShardId: 'shardId-0' };

    producer.putMany([
      { partitionKey: 'a', data: 'a' },
      { partitionKey: 'b', data: 'b' },
    ]);
    const { undeliverable } = await producer.flush();

    expect(undeliverable).toEqual([]);
    expect(stream.calls).toEqual([['a', 'b'], ['b']]);
    expect(producer.counters).toMatchObject({
      retries: 1,
      userRecordsWritten: 2,
      putRecordsRequests: 2,
    });
  });

  it('retries the entries a response leaves out', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', aggregate: false, ...fast });
    let call = 0;
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: PutRecordsRequestEntry[] }) => {
      stream.calls.push(input.Records.flatMap(dataOf));
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
    expect(stream.calls).toEqual([['a', 'b'], ['b']]);
  });

  it('refuses to be made without options', () => {
    expect(() => new KinesisProducer(undefined as never)).toThrow(KplProducerConfigurationError);
  });

  it('retries a whole call that failed', async () => {
    const producer = new KinesisProducer({ client, streamName: 's', aggregate: false, ...fast });
    stream.answer = (_, call) => {
      if (call === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return { SequenceNumber: '1', ShardId: 'shardId-0' };
    };

    producer.put({ partitionKey: 'a', data: 'a' });

    expect(await producer.flush()).toEqual({ undeliverable: [] });
    expect(stream.calls).toHaveLength(2);
  });

  it('gives up after maxAttempts and returns the original records with their error codes', async () => {
    const logged: unknown[][] = [];
    const logger = {
      info: () => undefined,
      warn: () => undefined,
      error: (...line: unknown[]) => logged.push(line),
    };
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      maxAttempts: 3,
      logger,
      ...fast,
    });
    stream.answer = () => throttled;
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
    expect(producer.counters).toMatchObject({ failedUserRecords: 2, retries: 4 });
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
    stream.answer = () => {
      throw Object.assign(new Error('Stream missing not found'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      });
    };

    producer.put({ partitionKey: 'a', data: 'a' });
    const { undeliverable } = await producer.flush();

    expect(stream.calls).toHaveLength(1);
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
    stream.answer = (entry) =>
      dataOf(entry)[0] === 'k-1' && failures++ < 2
        ? throttled
        : { SequenceNumber: '1', ShardId: 'shardId-0' };

    producer.putMany(
      ['k-1', 'k-2', 'k-3', 'other-1'].map((data) => ({ partitionKey: data.split('-')[0]!, data })),
    );
    await producer.flush();

    // k-2 waits behind k-1, which is retried twice; other keys do not wait.
    expect(stream.calls).toEqual([['k-1', 'other-1'], ['k-1'], ['k-1'], ['k-2'], ['k-3']]);
  });

  it('retries a throttled aggregate before any later aggregate of its shard', async () => {
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      maxRecordBytes: 1_024,
      ...fast,
    });
    let failures = 0;
    stream.answer = (entry) =>
      failures++ === 0
        ? throttled
        : { SequenceNumber: '1', ShardId: entry.ExplicitHashKey ? 'shardId-1' : 'shardId-0' };

    // One partition key, so one shard: several aggregates in a row.
    for (let i = 0; i < 60; i++)
      producer.put({ partitionKey: 'same', data: `record-${i}`.padEnd(100, '.') });
    await producer.flush();

    const written = stream.calls.slice(1).flat();
    expect(written).toEqual(Array.from({ length: 60 }, (_, i) => `record-${i}`.padEnd(100, '.')));
  });
});
