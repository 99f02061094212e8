/**
 * A real Kinesis API in this process: kinesalite, in memory, on a random loopback port, with an
 * AWS SDK v3 client set up for it. In front of it, what today's Kinesis has and kinesalite lacks:
 * service-managed streams (`recordDistribution: 'AUTO'`: records without a partition key, placed
 * by the service) and, when asked, the per-shard write limits (`shardWriteLimits`), which fail
 * entries with `ProvisionedThroughputExceededException` as Kinesis does. Import from
 * `@kpl-lambda/local-event-source-mapping/local-kinesis`; needs `kinesalite` and
 * `@smithy/node-http-handler`.
 *
 * @example
 * ```ts
 * import { startLocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
 * const kinesis = await startLocalKinesis();
 * await kinesis.createStream('orders', 2);
 * await kinesis.createStream('events', 4, { recordDistribution: 'AUTO' });
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
import { assertKnownOptions, optionNames } from '@kpl-lambda/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';
import { KinesisFront, type RecordDistribution } from './KinesisFront.js';
import type { ShardWriteLimits } from './ShardThrottle.js';

export type { RecordDistribution } from './KinesisFront.js';
export type { ShardWriteLimits } from './ShardThrottle.js';

const LOCAL_KINESIS_OPTIONS = optionNames<LocalKinesisOptions>({ shardWriteLimits: true });
const LOCAL_STREAM_OPTIONS = optionNames<LocalStreamOptions>({
  recordDistribution: true,
  maxRecordSizeInKiB: true,
});

/** Options of {@link startLocalKinesis}. */
export interface LocalKinesisOptions {
  /**
   * Refuse writes past these per-shard rates, as Kinesis does (1 MiB and 1,000 records a second
   * per shard): entries beyond them fail with `ProvisionedThroughputExceededException`. Default:
   * no limits.
   */
  shardWriteLimits?: ShardWriteLimits;
}

/** Options of {@link LocalKinesis.createStream}. */
export interface LocalStreamOptions {
  /**
   * `'AUTO'`: a service-managed stream. `DescribeStreamSummary` says so, writes may leave out the
   * partition key, every record lands on a shard of the service's choosing whatever its keys, and
   * a record written without a key is read back without one. Default `'USER_PARTITION_KEY'`.
   */
  recordDistribution?: RecordDistribution;
  /** What `DescribeStreamSummary` reports as `MaxRecordSizeInKiB`. Default 1024. */
  maxRecordSizeInKiB?: number;
}

/** A running local Kinesis. */
export interface LocalKinesis {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  client: KinesisClient;
  /** Creates a stream and waits until it is active. */
  createStream(streamName: string, shardCount: number, options?: LocalStreamOptions): Promise<void>;
  /** Records refused for the shards' write limits since the start. */
  readonly throttledRecords: number;
  /**
   * Splits the stream's first open shard in two halves of its hash key range (a reshard), and
   * waits until the stream is active again: records written after it go to the children.
   */
  splitShard(streamName: string): Promise<void>;
  /** Stops the server and the client. */
  stop(): Promise<void>;
}

/** Starts kinesalite on 127.0.0.1 with a random port; streams are created and changed at once. */
export async function startLocalKinesis(options: LocalKinesisOptions = {}): Promise<LocalKinesis> {
  assertKnownOptions(options, LOCAL_KINESIS_OPTIONS);
  const server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 100,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const front = new KinesisFront(server.address() as AddressInfo, options.shardWriteLimits);
  const endpoint = `http://127.0.0.1:${await front.listen()}`;
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
    get throttledRecords() {
      return front.throttledRecords;
    },
    async createStream(StreamName, ShardCount, streamOptions = {}) {
      assertKnownOptions(streamOptions, LOCAL_STREAM_OPTIONS);
      front.setFacts(StreamName, {
        recordDistribution: streamOptions.recordDistribution ?? 'USER_PARTITION_KEY',
        maxRecordSizeInKiB: streamOptions.maxRecordSizeInKiB ?? 1024,
      });
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
      await front.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
