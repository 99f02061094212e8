import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { KplConfigurationError } from '@kpl-lambda/core';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';

let kinesis: LocalKinesis;
beforeAll(async () => {
  kinesis = await startLocalKinesis();
});
afterAll(() => kinesis.stop());

/** Every record of every shard of a stream, with the shard it landed on. */
async function readAll(local: LocalKinesis, StreamName: string) {
  const { Shards = [] } = await local.client.send(new ListShardsCommand({ StreamName }));
  const records = [];
  for (const { ShardId } of Shards) {
    const { ShardIterator } = await local.client.send(
      new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await local.client.send(new GetRecordsCommand({ ShardIterator }));
    records.push(...Records.map((record) => ({ ...record, ShardId })));
  }
  return records;
}

describe('a service-managed stream (recordDistribution AUTO)', () => {
  it('says so, takes records without a partition key, and gives them back without one', async () => {
    await kinesis.createStream('auto-1', 4, {
      recordDistribution: 'AUTO',
      maxRecordSizeInKiB: 10_240,
    });

    const { StreamDescriptionSummary } = await kinesis.client.send(
      new DescribeStreamSummaryCommand({ StreamName: 'auto-1' }),
    );
    const { FailedRecordCount } = await kinesis.client.send(
      new PutRecordsCommand({
        StreamName: 'auto-1',
        Records: [
          { Data: Buffer.from('no key') } as never,
          { Data: Buffer.from('with key'), PartitionKey: 'k' },
        ],
      }),
    );
    await kinesis.client.send(
      new PutRecordCommand({ StreamName: 'auto-1', Data: Buffer.from('single') } as never),
    );
    const records = await readAll(kinesis, 'auto-1');

    expect(StreamDescriptionSummary).toMatchObject({
      RecordDistributionStrategy: 'AUTO',
      MaxRecordSizeInKiB: 10_240,
    });
    expect(FailedRecordCount).toBe(0);
    expect(
      records.map((record) => [Buffer.from(record.Data!).toString(), record.PartitionKey]).sort(),
    ).toEqual([
      ['no key', undefined],
      ['single', undefined],
      ['with key', 'k'],
    ]);
  });

  it('places records on shards of its own choosing, whatever their keys', async () => {
    await kinesis.createStream('auto-2', 4, { recordDistribution: 'AUTO' });
    const Records = Array.from({ length: 200 }, (_, i) => ({
      Data: Buffer.from(String(i)),
      PartitionKey: 'one key',
    }));
    await kinesis.client.send(new PutRecordsCommand({ StreamName: 'auto-2', Records }));

    const shards = new Set((await readAll(kinesis, 'auto-2')).map((record) => record.ShardId));
    expect(shards.size).toBe(4);
  });

  it('is an ordinary stream unless asked: keys route, and a missing key is refused', async () => {
    await kinesis.createStream('user-keys', 2);
    const { StreamDescriptionSummary } = await kinesis.client.send(
      new DescribeStreamSummaryCommand({ StreamName: 'user-keys' }),
    );
    expect(StreamDescriptionSummary?.RecordDistributionStrategy).toBe('USER_PARTITION_KEY');
    await expect(
      kinesis.client.send(
        new PutRecordsCommand({
          StreamName: 'user-keys',
          Records: [{ Data: Buffer.from('x') } as never],
        }),
      ),
    ).rejects.toThrow();
  });
});

describe('shard write limits', () => {
  it('refuse what a shard takes past its rate, as Kinesis does, and leave other shards alone', async () => {
    const limited = await startLocalKinesis({
      shardWriteLimits: { bytesPerSecond: 1_048_576, recordsPerSecond: 100 },
    });
    try {
      await limited.createStream('limited', 2);
      const { Shards = [] } = await limited.client.send(
        new ListShardsCommand({ StreamName: 'limited' }),
      );
      const [first, second] = Shards.map((shard) => shard.HashKeyRange!.StartingHashKey!);
      const Records = Array.from({ length: 300 }, (_, i) => ({
        Data: Buffer.from(String(i)),
        PartitionKey: String(i),
        ExplicitHashKey: i < 250 ? first : second,
      }));

      const { FailedRecordCount, Records: results = [] } = await limited.client.send(
        new PutRecordsCommand({ StreamName: 'limited', Records }),
      );

      expect(FailedRecordCount).toBe(150);
      expect(results.slice(0, 100).every((result) => result.SequenceNumber !== undefined)).toBe(
        true,
      );
      expect(results[100]).toEqual({
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: expect.stringContaining('Rate exceeded'),
      });
      expect(results.slice(250).every((result) => result.ShardId === Shards[1]!.ShardId)).toBe(
        true,
      );
      expect(limited.throttledRecords).toBe(150);
      expect(await readAll(limited, 'limited')).toHaveLength(150);
    } finally {
      await limited.stop();
    }
  });

  it('refuse unknown options', async () => {
    await expect(startLocalKinesis({ shardLimits: {} } as never)).rejects.toThrow(
      KplConfigurationError,
    );
    await expect(kinesis.createStream('x', 1, { distribution: 'AUTO' } as never)).rejects.toThrow(
      KplConfigurationError,
    );
  });
});
