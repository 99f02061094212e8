/**
 * A real Kinesis API in this process: kinesalite, in memory, on a loopback port, with an AWS SDK
 * v3 client set up for it. In front of it, what today's Kinesis has and kinesalite lacks: HTTP/2
 * (h2c) beside HTTP/1.1 on the same port, as the KCL 2.x and 3.x daemons need; a closed shard's
 * children (`ChildShards`) at its end, without which KCL 3 never ends a shard after a reshard;
 * service-managed streams (`recordDistribution: 'AUTO'`: records without a partition key, placed
 * by the service) and, when asked, the per-shard write limits (`shardWriteLimits`), which fail
 * entries with `ProvisionedThroughputExceededException` as Kinesis does. It speaks JSON only
 * (a CBOR request is refused, saying how to turn CBOR off). Import from
 * `@kpl-lambda/local-event-source-mapping/local-kinesis`; needs `kinesalite`.
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
  type KinesisClient,
  ListShardsCommand,
  SplitShardCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { assertIntegerIn, assertKnownOptions, optionNames } from '@kpl-lambda/core/internal';
import kinesalite from 'kinesalite';
import { localKinesisClient } from '../client/index.js';
import { configurationError } from '../errors.js';
import { KinesisFront, type RecordDistribution } from './KinesisFront.js';
import type { ShardWriteLimits } from './ShardThrottle.js';

export type { RecordDistribution } from './KinesisFront.js';
export type { ShardWriteLimits } from './ShardThrottle.js';

const LOCAL_KINESIS_OPTIONS = optionNames<LocalKinesisOptions>({
  shardWriteLimits: true,
  port: true,
});
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
  /**
   * The loopback port to listen on, for clients in other processes (a KCL daemon, another
   * terminal); `startLocalKinesis` rejects when it is taken. Default 0: a free port of the
   * system's choosing.
   */
  port?: number;
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
  /** `http://127.0.0.1:<port>`, HTTP/1.1 and HTTP/2 (h2c). */
  endpoint: string;
  /** A client for it ({@link localKinesisClient}, with a region and dummy credentials). */
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

/**
 * Starts kinesalite on 127.0.0.1, behind the front that adds what Kinesis has and kinesalite
 * lacks; streams are created and changed at once.
 *
 * @example
 * ```ts
 * import { startLocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
 * const kinesis = await startLocalKinesis({ port: 4567 });
 * await kinesis.createStream('orders', 2);
 * console.log(`Kinesis at ${kinesis.endpoint}`); // HTTP/1.1 and HTTP/2, for a KCL daemon too
 * await kinesis.stop();
 * ```
 */
export async function startLocalKinesis(options: LocalKinesisOptions = {}): Promise<LocalKinesis> {
  assertKnownOptions(options, LOCAL_KINESIS_OPTIONS, configurationError);
  const { port = 0 } = options;
  assertIntegerIn('port', port, 0, 65_535, configurationError);
  const server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 100,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const front = new KinesisFront(server.address() as AddressInfo, options.shardWriteLimits);
  let endpoint: string;
  try {
    endpoint = `http://127.0.0.1:${await front.listen(port)}`;
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  const client = localKinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    get throttledRecords() {
      return front.throttledRecords;
    },
    async createStream(StreamName, ShardCount, streamOptions = {}) {
      assertKnownOptions(streamOptions, LOCAL_STREAM_OPTIONS, configurationError);
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
      await waitUntilStreamExists({ client, maxWaitTime: 10, minDelay: 0.01 }, { StreamName });
    },
    async stop() {
      client.destroy();
      await front.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
