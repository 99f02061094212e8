// What the local Kinesis cannot do (throttle, fail, refuse ListShards) is played by
// aws-sdk-client-mock: a stream of shards split evenly, and a PutRecords whose answer per entry
// a test decides.
import {
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { computeHashKey, deaggregateBytes } from '@kpl-lambda/core';
import { mockClient } from 'aws-sdk-client-mock';

export const kinesis = mockClient(KinesisClient);
export const client = new KinesisClient({ region: 'us-east-1' });
export const fast = { baseDelayMs: 1, maxDelayMs: 5 };

/** An SDK error named as Kinesis names it (`AccessDeniedException`, `LimitExceededException`). */
export const denied = (name: string) => Object.assign(new Error(`${name} for the test`), { name });

export const throttled: PutRecordsResultEntry = {
  ErrorCode: 'ProvisionedThroughputExceededException',
  ErrorMessage: 'Rate exceeded',
};

/** `ListShards` output of a stream of `count` open shards that split the hash keys evenly. */
export function shards(count: number) {
  const width = 2n ** 128n / BigInt(count);
  return {
    Shards: Array.from({ length: count }, (_, i) => ({
      ShardId: `shardId-${i}`,
      HashKeyRange: {
        StartingHashKey: (width * BigInt(i)).toString(),
        EndingHashKey: (i === count - 1 ? 2n ** 128n - 1n : width * BigInt(i + 1) - 1n).toString(),
      },
      SequenceNumberRange: { StartingSequenceNumber: '1' },
    })),
  };
}

/** `DescribeStreamSummary` output of an active stream placing records as said. */
export function streamSummary(
  RecordDistributionStrategy: 'USER_PARTITION_KEY' | 'AUTO',
  MaxRecordSizeInKiB = 1_024,
) {
  return {
    StreamDescriptionSummary: {
      StreamName: 's',
      StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
      StreamStatus: 'ACTIVE' as const,
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: new Date(0),
      EnhancedMonitoring: [],
      OpenShardCount: 2,
      RecordDistributionStrategy,
      MaxRecordSizeInKiB,
    },
  };
}

/** The shard Kinesis would choose for an entry of a stream of `count` even shards. */
export function shardOf(entry: PutRecordsRequestEntry, count: number): string {
  const hashKey = BigInt(entry.ExplicitHashKey ?? computeHashKey(entry.PartitionKey!));
  const index = Number((hashKey * BigInt(count)) / 2n ** 128n);
  return `shardId-${Math.min(index, count - 1)}`;
}

/** The user records' data of an entry, as text. */
export const dataOf = (entry: PutRecordsRequestEntry): string[] =>
  deaggregateBytes(entry.Data!, { partitionKey: entry.PartitionKey! }).map((record) =>
    Buffer.from(record.data).toString(),
  );

export interface MockStream {
  /** The user records' data of each PutRecords call, in call order. */
  calls: string[][];
  /** Decides an entry's fate; by default it is written on the shard Kinesis would choose. */
  answer: (entry: PutRecordsRequestEntry, call: number) => PutRecordsResultEntry;
}

/** Resets the mock to a stream of `shardCount` shards that takes every record. */
export function mockStream(shardCount = 2): MockStream {
  kinesis.reset();
  const stream: MockStream = {
    calls: [],
    answer: (entry) => ({ SequenceNumber: '1', ShardId: shardOf(entry, shardCount) }),
  };
  kinesis.on(DescribeStreamSummaryCommand).resolves(streamSummary('USER_PARTITION_KEY'));
  kinesis.on(ListShardsCommand).resolves(shards(shardCount));
  kinesis.on(PutRecordsCommand).callsFake((input: { Records: PutRecordsRequestEntry[] }) => {
    const call = stream.calls.push(input.Records.flatMap(dataOf)) - 1;
    const Records = input.Records.map((entry) => stream.answer(entry, call));
    return { FailedRecordCount: Records.filter((record) => record.ErrorCode).length, Records };
  });
  return stream;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets a producer just made learn a mocked stream (its answers come in the same turn). */
export const streamLearnt = () => new Promise((resolve) => setImmediate(resolve));
