import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { deaggregateSdkRecords } from '@kpl-lambda/core';

/** The data of every user record in a stream, as text, each shard from its trim horizon. */
export async function userRecordsOf(client: KinesisClient, StreamName: string): Promise<string[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName }));
  const texts: string[] = [];
  for (const { ShardId } of Shards) {
    let { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (ShardIterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator }));
      for (const userRecord of deaggregateSdkRecords(page.Records ?? [])) {
        texts.push(Buffer.from(userRecord.data).toString('utf8'));
      }
      if ((page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) break;
      ShardIterator = page.NextShardIterator;
    }
  }
  return texts;
}
