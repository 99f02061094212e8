// What the producer learns of its stream with DescribeStreamSummary, where the local Kinesis
// cannot play it: the call denied, failing, or answering for a stream of 10 MiB records.
import {
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { KplRecordTooLargeError } from '@kpl-lambda/core';
import {
  KinesisProducer,
  type KinesisProducerOptions,
  KplProducerConfigurationError,
} from '@kpl-lambda/producer';
import {
  client,
  denied,
  fast,
  kinesis,
  type MockStream,
  mockStream,
  sleep,
  streamLearnt,
  streamSummary,
} from './helpers/mockKinesis.js';

let stream: MockStream;
let sent: PutRecordsRequestEntry[][];
beforeEach(() => {
  stream = mockStream(2);
  sent = [];
  const answer = stream.answer;
  stream.answer = (entry, call) => {
    sent[call] ??= [];
    sent[call].push(entry);
    return answer(entry, call);
  };
});

const recording = () => {
  const said: string[] = [];
  const logger = {
    info: () => {},
    warn: (message: string) => said.push(`warn: ${message}`),
    error: (message: string) => said.push(`error: ${message}`),
  };
  return { said, logger };
};

const producer = (options: Partial<KinesisProducerOptions> = {}) =>
  new KinesisProducer({ client, streamName: 's', ...fast, ...options });

const calls = (command: typeof DescribeStreamSummaryCommand | typeof ListShardsCommand) =>
  kinesis.commandCalls(command as typeof DescribeStreamSummaryCommand).length;

describe('learning the stream', () => {
  it('asks as soon as it is made, before any put, and lists no shards on a service-managed stream', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves(streamSummary('AUTO'));
    producer();
    await streamLearnt();

    expect([calls(DescribeStreamSummaryCommand), calls(ListShardsCommand)]).toEqual([1, 0]);
  });

  it('asks nothing when recordDistribution says what the stream is', async () => {
    producer({ recordDistribution: 'AUTO' });
    producer({ recordDistribution: 'USER_PARTITION_KEY', aggregate: false });
    await streamLearnt();

    expect([calls(DescribeStreamSummaryCommand), calls(ListShardsCommand)]).toEqual([0, 0]);
  });

  it('says once, naming the permission, when DescribeStreamSummary is denied, and aggregates per shard as before', async () => {
    kinesis.on(DescribeStreamSummaryCommand).rejects(denied('AccessDeniedException'));
    const { said, logger } = recording();
    const p = producer({ logger, shardMapMaxAgeMs: 5 });

    p.putMany(Array.from({ length: 20 }, (_, i) => ({ partitionKey: `k${i}`, data: `${i}` })));
    await p.flush();
    await sleep(20); // the shard map is due again: the stream is not asked again
    p.putMany(Array.from({ length: 20 }, (_, i) => ({ partitionKey: `k${i}`, data: `${i}` })));
    await p.flush();

    expect(said).toEqual([expect.stringContaining('Grant kinesis:DescribeStreamSummary')]);
    expect(calls(DescribeStreamSummaryCommand)).toBe(1);
    expect(calls(ListShardsCommand)).toBeGreaterThanOrEqual(2);
    // Two shards, two aggregates per flush.
    expect(p.counters).toMatchObject({ userRecordsWritten: 40, kinesisRecordsWritten: 4 });
  });

  it('tries a throttled question again, and records wait for the answer rather than be aggregated', async () => {
    kinesis
      .on(DescribeStreamSummaryCommand)
      .rejectsOnce(denied('LimitExceededException'))
      .rejectsOnce(denied('LimitExceededException'))
      .resolves(streamSummary('AUTO'));
    const p = producer();

    p.putMany(Array.from({ length: 10 }, (_, i) => ({ partitionKey: 'same', data: `${i}` })));
    await p.flush();

    expect(calls(DescribeStreamSummaryCommand)).toBe(3);
    expect(calls(ListShardsCommand)).toBe(0);
    expect(p.counters).toMatchObject({ userRecordsWritten: 10, kinesisRecordsWritten: 10 });
    expect(stream.calls.flat()).toHaveLength(10);
  });

  it('works as on a stream placed by key, said once, when DescribeStreamSummary keeps failing', async () => {
    kinesis.on(DescribeStreamSummaryCommand).rejects(denied('InternalFailure'));
    const { said, logger } = recording();
    const p = producer({ logger, maxAttempts: 2 });

    p.putMany(Array.from({ length: 10 }, (_, i) => ({ partitionKey: 'same', data: `${i}` })));
    await p.flush();

    expect(said).toEqual([
      expect.stringContaining('DescribeStreamSummary failed: InternalFailure'),
    ]);
    expect(p.counters).toMatchObject({ userRecordsWritten: 10, kinesisRecordsWritten: 1 });
  });

  it('keeps what it learnt of the stream when a later question fails, and says so once', async () => {
    kinesis
      .on(DescribeStreamSummaryCommand)
      .resolvesOnce(streamSummary('AUTO'))
      .rejects(denied('InternalFailure'));
    const { said, logger } = recording();
    const p = producer({ logger, maxAttempts: 1, shardMapMaxAgeMs: 5 });
    await p.ready();
    await sleep(20); // the stream is due to be asked again

    p.putMany(Array.from({ length: 10 }, (_, i) => ({ partitionKey: 'same', data: `${i}` })));
    await p.flush();

    expect(said).toEqual([
      expect.stringContaining(
        'keeps what it learnt of the stream before (record distribution AUTO)',
      ),
    ]);
    // Still service-managed: plain records, no shards listed.
    expect(p.counters).toMatchObject({ userRecordsWritten: 10, kinesisRecordsWritten: 10 });
    expect(calls(ListShardsCommand)).toBe(0);
  });

  it('gives up at once what waited when the stream is not there', async () => {
    kinesis.on(DescribeStreamSummaryCommand).rejects(denied('ResourceNotFoundException'));
    const p = producer();

    p.put({ partitionKey: 'k', data: 'x' });
    const { undeliverable } = await p.flush();

    expect(undeliverable).toEqual([
      expect.objectContaining({ errorCode: 'ResourceNotFoundException' }),
    ]);
    expect(p.counters.failedUserRecords).toBe(1);
  });
});

describe('records as large as the stream takes', () => {
  const tenMiB = 10 * 1_048_576;

  it('writes a record of 10 MiB to a stream whose MaxRecordSizeInKiB allows it, alone in its request', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves(streamSummary('USER_PARTITION_KEY', 10_240));
    const p = producer();
    await streamLearnt();
    const big = Buffer.alloc(tenMiB - 1, 7);

    p.put({ partitionKey: 'k', data: 'small' });
    p.put({ partitionKey: 'k', data: big });
    p.put({ partitionKey: 'j', data: 'after' });
    expect((await p.flush()).undeliverable).toEqual([]);

    const bigRequest = sent.find((request) => request.some((entry) => entry.Data!.length > 1_000));
    expect(bigRequest).toEqual([expect.objectContaining({ PartitionKey: 'k' })]);
    expect(bigRequest![0]!.Data).toEqual(big);
    expect(() => p.put({ partitionKey: 'k', data: Buffer.alloc(tenMiB) })).toThrow(
      KplRecordTooLargeError,
    );
  });

  it('keeps maxRecordBytes when given, whatever the stream says', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves(streamSummary('USER_PARTITION_KEY', 10_240));
    const p = producer({ maxRecordBytes: 2_000 });
    await streamLearnt();

    expect(() => p.put({ partitionKey: 'k', data: Buffer.alloc(2_000) })).toThrow(
      KplRecordTooLargeError,
    );
  });

  it('takes records no larger than maxRequestBytes when only that is given, whatever the stream says', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves(streamSummary('USER_PARTITION_KEY', 10_240));
    const p = producer({ maxRequestBytes: 2 * 1_048_576 });
    await p.ready();

    expect(() => p.put({ partitionKey: 'k', data: Buffer.alloc(2 * 1_048_576) })).toThrow(
      KplRecordTooLargeError,
    );
    p.put({ partitionKey: 'k', data: Buffer.alloc(2 * 1_048_576 - 1) });
    p.put({ partitionKey: 'j', data: Buffer.alloc(1_048_576) });
    p.put({ partitionKey: 'i', data: Buffer.alloc(1_048_576) });
    expect((await p.flush()).undeliverable).toEqual([]);

    // Each request within maxRequestBytes: one record in each.
    expect(sent.map((request) => request.length)).toEqual([1, 1, 1]);
  });

  it('takes records up to 1 MiB from a stream that says nothing of their size', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves({
      StreamDescriptionSummary: {
        ...streamSummary('USER_PARTITION_KEY').StreamDescriptionSummary,
        MaxRecordSizeInKiB: undefined,
      },
    });
    const p = producer();
    await p.ready();

    expect(() => p.put({ partitionKey: 'k', data: Buffer.alloc(1_048_576) })).toThrow(
      KplRecordTooLargeError,
    );
    p.put({ partitionKey: 'k', data: Buffer.alloc(1_048_575) });
    expect((await p.flush()).undeliverable).toEqual([]);
  });

  it('gives up a record put before the stream answered that is larger than it takes, and writes the rest', async () => {
    const p = producer();

    p.put({ partitionKey: 'k', data: 'before' });
    p.put({ partitionKey: 'k', data: Buffer.alloc(2 * 1_048_576) });
    p.put({ partitionKey: 'k', data: 'after' });
    const { undeliverable } = await p.flush();

    expect(undeliverable).toEqual([
      expect.objectContaining({
        errorCode: 'KplRecordTooLargeError',
        errorMessage: expect.stringContaining('1048576'),
      }),
    ]);
    expect(stream.calls.flat()).toEqual(['before', 'after']);
  });
});

describe('aggregate: true on a service-managed stream', () => {
  it('is refused when the producer is made, when recordDistribution says AUTO', () => {
    expect(() => producer({ recordDistribution: 'AUTO', aggregate: true })).toThrow(
      expect.objectContaining({
        constructor: KplProducerConfigurationError,
        option: 'aggregate',
        message: expect.stringContaining('KCL consumers drop'),
      }),
    );
  });

  it('gives up what was put before the stream answered, and refuses every put after, never aggregating', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves(streamSummary('AUTO'));
    const { said, logger } = recording();
    const p = producer({ aggregate: true, logger });

    p.put({ partitionKey: 'k', data: 'before' });
    const { undeliverable } = await p.flush();

    expect(undeliverable).toEqual([
      expect.objectContaining({
        errorCode: 'KplProducerConfigurationError',
        errorMessage: expect.stringContaining('AUTO'),
      }),
    ]);
    expect(() => p.put({ partitionKey: 'k', data: 'after' })).toThrow(
      KplProducerConfigurationError,
    );
    expect(p.bufferedRecords).toBe(0);
    expect(stream.calls).toEqual([]);
    expect(said).toEqual([expect.stringContaining('put() throws')]);
  });
});
