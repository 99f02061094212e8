// The Kinesis calls a mapping reads with, where Kinesis answers what kinesalite never does:
// ListShards in pages, and no iterator at the end of a closed shard. Hence the mocked client.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { listShards, readAfter } from '../src/shardReading.js';

const kinesis = mockClient(KinesisClient);
const shard = (ShardId: string) => ({
  ShardId,
  HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
  SequenceNumberRange: { StartingSequenceNumber: '0' },
});
const client = new KinesisClient({ region: 'us-east-1' });
afterEach(() => kinesis.reset());
afterAll(() => kinesis.restore());

describe('listShards', () => {
  it('follows NextToken to the last page, a page without Shards holding none', async () => {
    kinesis
      .on(ListShardsCommand, { StreamName: 'orders' })
      .resolves({ Shards: [shard('shardId-000000000000')], NextToken: 'second' })
      .on(ListShardsCommand, { NextToken: 'second' })
      .resolves({ NextToken: 'third' })
      .on(ListShardsCommand, { NextToken: 'third' })
      .resolves({ Shards: [shard('shardId-000000000001')] });

    const shards = await listShards(client, 'orders');

    expect(shards.map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ]);
    expect(kinesis.commandCalls(ListShardsCommand).map((call) => call.args[0].input)).toEqual([
      { StreamName: 'orders' },
      { NextToken: 'second' },
      { NextToken: 'third' },
    ]);
  });
});

describe('readAfter', () => {
  it('reads nothing and ends the shard when Kinesis gives no iterator past its end', async () => {
    kinesis.on(GetShardIteratorCommand).resolves({});

    const page = await readAfter(client, 'orders', 'shardId-000000000000', '49', 100);

    expect(page).toEqual({ Records: [], NextShardIterator: undefined });
    expect(kinesis.commandCalls(GetRecordsCommand)).toHaveLength(0);
    expect(kinesis.commandCalls(GetShardIteratorCommand)[0]!.args[0].input).toEqual({
      StreamName: 'orders',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      StartingSequenceNumber: '49',
    });
  });
});
