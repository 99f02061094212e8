import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  UpdateStreamRecordDistributionStrategyCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { KplEventSourceMappingConfigurationError } from '@kpl-lambda/local-event-source-mapping';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

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

  it('switches with UpdateStreamRecordDistributionStrategy, by ARN as Kinesis takes it', async () => {
    await kinesis.createStream('switching', 1);
    const { StreamDescriptionSummary } = await kinesis.client.send(
      new DescribeStreamSummaryCommand({ StreamName: 'switching' }),
    );
    await kinesis.client.send(
      new UpdateStreamRecordDistributionStrategyCommand({
        StreamARN: StreamDescriptionSummary!.StreamARN!,
        RecordDistributionStrategy: 'AUTO',
      }),
    );

    const after = await kinesis.client.send(
      new DescribeStreamSummaryCommand({ StreamName: 'switching' }),
    );
    expect(after.StreamDescriptionSummary?.RecordDistributionStrategy).toBe('AUTO');
  });

  it('is an ordinary stream unless asked: keys route, and a missing key is refused', async () => {
    // Made without createStream: the front knows nothing of it, and it is an ordinary stream.
    await kinesis.client.send(new CreateStreamCommand({ StreamName: 'user-keys', ShardCount: 2 }));
    await waitUntilStreamExists(
      { client: kinesis.client, maxWaitTime: 10, minDelay: 0.01 },
      { StreamName: 'user-keys' },
    );
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

  it('refuse a single PutRecord past the rate, and follow the shards after a reshard', async () => {
    const limited = await startLocalKinesis({
      shardWriteLimits: { bytesPerSecond: 1_048_576, recordsPerSecond: 1 },
    });
    try {
      await limited.createStream('one-a-second', 1);
      // No retries of the SDK's own: each throttle is seen.
      const once = new KinesisClient({
        endpoint: limited.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        requestHandler: new NodeHttpHandler(),
        maxAttempts: 1,
      });
      const put = () =>
        once.send(
          new PutRecordCommand({
            StreamName: 'one-a-second',
            PartitionKey: 'k',
            Data: Buffer.from('x'),
          }),
        );
      await put();
      await expect(put()).rejects.toThrow(
        expect.objectContaining({ name: 'ProvisionedThroughputExceededException' }),
      );
      await limited.splitShard('one-a-second');
      // The children are new shards, each with its allowance.
      await expect(put()).resolves.toMatchObject({
        ShardId: expect.stringMatching(/^shardId-00000000000[12]$/),
      });
      expect(limited.throttledRecords).toBe(1);
      once.destroy();
    } finally {
      await limited.stop();
    }
  });

  it('answer a request it cannot read with InternalFailure', async () => {
    const response = await fetch(kinesis.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'Kinesis_20131202.PutRecords' },
      body: '{not json',
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ __type: 'InternalFailure' });
  });

  it('refuse unknown options', async () => {
    await expect(startLocalKinesis({ shardLimits: {} } as never)).rejects.toThrow(
      KplEventSourceMappingConfigurationError,
    );
    await expect(kinesis.createStream('x', 1, { distribution: 'AUTO' } as never)).rejects.toThrow(
      KplEventSourceMappingConfigurationError,
    );
  });
});
