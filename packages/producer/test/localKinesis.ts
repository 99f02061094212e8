import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  type Shard,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { deaggregateSdkRecords, type SdkUserRecord } from '@kpl-lambda/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';

/** A real Kinesis API in this process, in memory, on a random loopback port. */
export async function startLocalKinesis() {
  const server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 100,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new KinesisClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // The SDK's default HTTP/2 handler does not work against kinesalite.
    requestHandler: new NodeHttpHandler(),
  });
  return {
    client,
    async createStream(StreamName: string, ShardCount: number) {
      await client.send(new CreateStreamCommand({ StreamName, ShardCount }));
      await waitUntilStreamExists({ client, maxWaitTime: 10, minDelay: 0.01 }, { StreamName });
    },
    async stop() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

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
