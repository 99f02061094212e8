import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { deaggregateSdkRecords, type SdkUserRecord } from '@kpl-lambda/core';

export interface ShardContent {
  shard: Shard;
  userRecords: SdkUserRecord[];
}

/** Reads every shard of a stream (closed ones too) from the start, deaggregated. */
export async function readStream(
  client: KinesisClient,
  StreamName: string,
): Promise<ShardContent[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName }));
  const contents: ShardContent[] = [];
  for (const shard of Shards) {
    const userRecords: SdkUserRecord[] = [];
    let { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (ShardIterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
      userRecords.push(...deaggregateSdkRecords(page.Records ?? [], { onCorrupt: 'throw' }));
      // An open shard has no end: stop once it has nothing more to give.
      if ((page.Records ?? []).length === 0) break;
      ShardIterator = page.NextShardIterator;
    }
    contents.push({ shard, userRecords });
  }
  return contents;
}
