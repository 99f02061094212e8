/**
 * A real Kinesis API in this process: kinesalite, in memory, on a random loopback port, with an
 * AWS SDK v3 client set up for it. Import from `@kpl-lambda/local-event-source-mapping/local-kinesis`;
 * needs `kinesalite` and `@smithy/node-http-handler`.
 *
 * @example
 * ```ts
 * import { startLocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
 * const kinesis = await startLocalKinesis();
 * await kinesis.createStream('orders', 2);
 * // ... kinesis.client works like any KinesisClient
 * await kinesis.stop();
 * ```
 */
import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  SplitShardCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';

/** A running local Kinesis. */
export interface LocalKinesis {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  client: KinesisClient;
  /** Creates a stream and waits until it is active. */
  createStream(streamName: string, shardCount: number): Promise<void>;
  /**
   * Splits the stream's first open shard in two halves of its hash key range (a reshard), and
   * waits until the stream is active again: records written after it go to the children.
   */
  splitShard(streamName: string): Promise<void>;
  /** Stops the server and the client. */
  stop(): Promise<void>;
}

/** Starts kinesalite on 127.0.0.1 with a random port; streams are created and changed at once. */
export async function startLocalKinesis(): Promise<LocalKinesis> {
  const server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 100,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // The SDK's default HTTP/2 handler does not work against kinesalite.
    requestHandler: new NodeHttpHandler(),
  });
  return {
    endpoint,
    client,
    async createStream(StreamName, ShardCount) {
      await client.send(new CreateStreamCommand({ StreamName, ShardCount }));
      await waitUntilStreamExists({ client, maxWaitTime: 10, minDelay: 0.01 }, { StreamName });
    },
    async splitShard(StreamName) {
      const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName }));
      const shard = Shards.find(
        (each) => each.SequenceNumberRange?.EndingSequenceNumber === undefined,
      )!;
      const starting = BigInt(shard.HashKeyRange!.StartingHashKey!);
      const ending = BigInt(shard.HashKeyRange!.EndingHashKey!);
      await client.send(
        new SplitShardCommand({
          StreamName,
          ShardToSplit: shard.ShardId!,
          NewStartingHashKey: ((starting + ending + 1n) / 2n).toString(),
        }),
      );
      for (;;) {
        const { StreamDescriptionSummary } = await client.send(
          new DescribeStreamSummaryCommand({ StreamName }),
        );
        if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
