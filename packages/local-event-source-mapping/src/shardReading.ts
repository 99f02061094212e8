// The Kinesis calls a mapping reads a stream with.
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';

/** GetRecords returns at most this many records a call. */
const MAX_RECORDS_PER_READ = 10_000;

/** Every shard of a stream, open and closed, page after page. */
export async function listShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(NextToken === undefined ? { StreamName: streamName } : { NextToken }),
    );
    shards.push(...(page.Shards ?? []));
    NextToken = page.NextToken;
  } while (NextToken !== undefined);
  return shards;
}

/** Up to `limit` records of a shard after `checkpoint` (from its start without one). */
export async function readAfter(
  client: KinesisClient,
  streamName: string,
  shardId: string,
  checkpoint: string | undefined,
  limit: number,
): Promise<Pick<GetRecordsCommandOutput, 'Records' | 'NextShardIterator'>> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ...(checkpoint === undefined
        ? { ShardIteratorType: 'TRIM_HORIZON' }
        : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }),
    }),
  );
  if (!ShardIterator) return { Records: [], NextShardIterator: undefined };
  return client.send(
    new GetRecordsCommand({ ShardIterator, Limit: Math.min(limit, MAX_RECORDS_PER_READ) }),
  );
}
