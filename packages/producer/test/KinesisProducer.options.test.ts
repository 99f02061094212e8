// The options, checked when the producer is made: a misspelt one, or a time no timer can wait,
// is a configuration error naming it, never a silent default or a timer that fires at once.
import {
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { MAX_TIMER_MS } from '@kpl-lambda/core';
import {
  KinesisProducer,
  type KinesisProducerOptions,
  KplProducerConfigurationError,
} from '@kpl-lambda/producer';
import { client, kinesis, mockStream } from './helpers/mockKinesis.js';

beforeEach(() => {
  mockStream(2);
});

const make = (options: object) =>
  new KinesisProducer({ client, streamName: 's', ...options } as KinesisProducerOptions);

const refusal = (options: object) => {
  try {
    make(options);
  } catch (error) {
    return error;
  }
  throw new Error(`${JSON.stringify(options)} was taken`);
};

describe('KinesisProducer options', () => {
  it.each([
    [{ streamName: undefined }],
    [{ maxRecordBytes: 10_485_761 }],
    [{ maxRequestBytes: 100, maxRecordBytes: 1_000 }],
    [{ maxRecordsPerRequest: 501 }],
    [{ maxAttempts: 0 }],
    [{ partitionKeyFrom: 42 }],
    [{ client: {} }],
    [{ logger: 'console' }],
    [{ recordDistribution: 'auto' }],
    [{ recordDistribution: 'AUTO', aggregate: true }],
    [{ rateLimit: 0 }],
    [{ rateLimit: 1.5 }],
    [{ failIfThrottled: 'yes' }],
    [{ recordTtlMs: 0 }],
  ])('refuses the options %j', (options) => {
    expect(refusal(options)).toBeInstanceOf(KplProducerConfigurationError);
  });

  it.each([
    ['maxBufferedMilliseconds', 'maxBufferedMs'],
    ['streamname', 'streamName'],
    ['maxBufferRecords', 'maxBufferedRecords'],
    ['partitionKeyForm', 'partitionKeyFrom'],
    // The name it had before the first release.
    ['partitionKey', 'partitionKeyFrom'],
    ['orderedGroupPerShard', 'orderedGroupsPerShard'],
  ])('refuses the unknown option %s, suggesting %s', (key, closest) => {
    expect(refusal({ [key]: 10 })).toMatchObject({
      name: 'KplProducerConfigurationError',
      option: key,
      message: `Unknown option ${key}: did you mean ${closest}?`,
    });
  });

  it.each([
    [{ orderedGroupsPerShard: 0 }, 'orderedGroupsPerShard', 'from 1 to 1000'],
    [{ orderedGroupsPerShard: 2.5 }, 'orderedGroupsPerShard', 'from 1 to 1000'],
    [{ orderedGroupsPerShard: 1_001 }, 'orderedGroupsPerShard', 'from 1 to 1000'],
    [{ orderedGroupsPerShard: '4' }, 'orderedGroupsPerShard', 'from 1 to 1000'],
    [
      { orderedGroupsPerShard: 4, aggregate: false },
      'orderedGroupsPerShard',
      'without aggregation',
    ],
    [
      { orderedGroupsPerShard: 4, recordDistribution: 'AUTO' },
      'orderedGroupsPerShard',
      'service-managed',
    ],
    [{ orderedGroupsPerShard: 4, maxRecordBytes: 93 }, 'maxRecordBytes', 'larger than 93 bytes'],
    [
      { orderedGroupsPerShard: 4, aggregationMaxBytes: 93 },
      'aggregationMaxBytes',
      'larger than 93 bytes',
    ],
  ])('refuses %j, naming %s', (options, option, reason) => {
    expect(refusal(options)).toMatchObject({
      name: 'KplProducerConfigurationError',
      option,
      message: expect.stringContaining(reason),
    });
  });

  it.each([
    [{ orderedGroupsPerShard: 1 }],
    [{ orderedGroupsPerShard: 1_000 }],
    [{ orderedGroupsPerShard: 10, maxRecordBytes: 94, aggregationMaxBytes: 94 }],
    [{ orderedGroupsPerShard: 10, recordDistribution: 'USER_PARTITION_KEY' }],
  ])('takes %j', (options) => {
    expect(make(options)).toBeInstanceOf(KinesisProducer);
  });

  it.each([
    ['maxBufferedMs', MAX_TIMER_MS + 1],
    ['maxBufferedMs', 2 ** 32],
    ['maxBufferedMs', 1.5],
    ['maxBufferedMs', -1],
    ['baseDelayMs', MAX_TIMER_MS + 1],
    ['baseDelayMs', Number.POSITIVE_INFINITY],
    ['maxDelayMs', MAX_TIMER_MS + 1],
    ['maxDelayMs', Number.POSITIVE_INFINITY],
    ['shardMapMaxAgeMs', MAX_TIMER_MS + 1],
    // It is also the wait before ListShards is tried again: never would mean never.
    ['shardMapMaxAgeMs', Number.POSITIVE_INFINITY],
    ['recordTtlMs', MAX_TIMER_MS + 1],
  ])('refuses %s = %d, more than a timer can wait or not a time', (option, value) => {
    expect(refusal({ [option]: value })).toMatchObject({
      name: 'KplProducerConfigurationError',
      option,
      message: expect.stringContaining(String(MAX_TIMER_MS)),
    });
  });

  it.each([
    ['maxBufferedMs', MAX_TIMER_MS],
    ['maxBufferedMs', Number.POSITIVE_INFINITY],
    ['maxBufferedMs', 0],
    ['baseDelayMs', MAX_TIMER_MS],
    ['maxDelayMs', MAX_TIMER_MS],
    ['shardMapMaxAgeMs', MAX_TIMER_MS],
    ['recordTtlMs', Number.POSITIVE_INFINITY],
    ['rateLimit', Number.POSITIVE_INFINITY],
    ['rateLimit', 1],
  ])('takes %s = %d', (option, value) => {
    expect(make({ [option]: value })).toBeInstanceOf(KinesisProducer);
  });
});

// The local Kinesis knows streams by name only: the mock plays a stream named by its ARN.
it('names the stream by its ARN alone in every call when given streamARN', async () => {
  const StreamARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/s';
  const producer = new KinesisProducer({ client, streamARN: StreamARN });

  producer.put({ partitionKey: 'k', data: 'x' });
  expect((await producer.flush()).undeliverable).toEqual([]);

  const inputs = [DescribeStreamSummaryCommand, ListShardsCommand, PutRecordsCommand].map(
    (command) =>
      kinesis.commandCalls(command as typeof PutRecordsCommand).map(({ args }) => args[0].input),
  );
  for (const calls of inputs) {
    expect(calls).not.toEqual([]);
    for (const input of calls) {
      expect(input).toMatchObject({ StreamARN });
      expect(input).not.toHaveProperty('StreamName');
    }
  }
});
