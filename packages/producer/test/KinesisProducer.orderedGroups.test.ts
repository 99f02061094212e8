// orderedGroupsPerShard against a local Kinesis of several shards: read back record by record, as
// Lambda with a ParallelizationFactor above 1 reads a shard, where order holds per parent
// partition key only. Every user record of a key must share one parent key on its shard, in put
// order, through lone records, records too large to aggregate, explicit hash keys and resharding.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { aggregate, computeHashKey, deaggregateBytes, isAggregated } from '@kpl-lambda/core';
import { KinesisProducer, type KinesisProducerOptions } from '@kpl-lambda/producer';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';

const kinesis = useLocalKinesis();
let streams = 0;

const newStream = async (shards: number) => {
  const name = `ordered-${++streams}`;
  await kinesis().createStream(name, shards);
  return name;
};

const KEYS = 60;
/** Bytes an aggregate goes up to here: many aggregates per group. */
const AGGREGATION_MAX_BYTES = 4_000;

/**
 * User record `i`, of one of 60 keys (several per group with 4 shards of 4 groups); one key in
 * twelve routed by an explicit hash key, some too large for an aggregate, some whose data would
 * pass for an aggregate (a forwarder's: it goes wrapped). Its index ends its data, or the data of
 * the user record inside.
 */
function userRecord(i: number) {
  const key = i % KEYS;
  const index = Buffer.alloc(4);
  index.writeUInt32BE(i);
  const body = Buffer.alloc(i % 500 === 250 ? AGGREGATION_MAX_BYTES + 1_000 : 20, key);
  const data = Buffer.concat([body, index]);
  return {
    partitionKey: `customer-${key}`,
    data:
      i % 97 === 5
        ? aggregate([{ partitionKey: 'inner', data }], { aggregateSingleRecord: true })[0]!.data
        : data,
    ...(key % 12 === 5 ? { explicitHashKey: computeHashKey(`elsewhere-${key}`) } : {}),
  };
}

/** The index of a user record read back. */
function indexOf(data: Uint8Array): number {
  const inner = isAggregated(data) ? deaggregateBytes(data, {})[0]!.data : data;
  return Buffer.from(inner).readUInt32BE(inner.length - 4);
}

/** A Kinesis record as Lambda hands it: its parent partition key, and its user records. */
interface ParentRecord {
  parentKey: string;
  aggregated: boolean;
  userRecords: Array<{ partitionKey: string; hashKey: bigint; i: number }>;
}

interface ReadShard {
  shardId: string;
  start: bigint;
  end: bigint;
  parents: ParentRecord[];
}

/** Every shard (closed ones first, as ListShards lists them) from its start. */
async function readShards(client: KinesisClient, StreamName: string): Promise<ReadShard[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName }));
  const shards: ReadShard[] = [];
  for (const shard of Shards) {
    const parents: ParentRecord[] = [];
    let { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    for (;;) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
      if ((page.Records ?? []).length === 0) break;
      for (const record of page.Records!) {
        const readBack = deaggregateBytes(record.Data!, { partitionKey: record.PartitionKey! });
        parents.push({
          parentKey: record.PartitionKey!,
          aggregated: isAggregated(record.Data!),
          userRecords: readBack.map(({ partitionKey, explicitHashKey, data }) => ({
            partitionKey: partitionKey!,
            hashKey: BigInt(explicitHashKey ?? computeHashKey(partitionKey!)),
            i: indexOf(data),
          })),
        });
      }
      ShardIterator = page.NextShardIterator;
    }
    const { StartingHashKey, EndingHashKey } = shard.HashKeyRange!;
    shards.push({
      shardId: shard.ShardId!,
      start: BigInt(StartingHashKey!),
      end: BigInt(EndingHashKey!),
      parents,
    });
  }
  return shards;
}

/**
 * What breaks a key's order when Lambda runs a shard's parent keys in concurrent batches (which
 * batch each key goes to is Lambda's choice): a user key under more than one parent key on a
 * shard, or a user record after a later one of its key in its parent key's sequence. Keys are
 * followed from a shard to its children (closed shards are read first), as Lambda finishes a
 * parent shard before its children.
 */
function orderBrokenUnderParallelization(shards: ReadShard[]) {
  const keysUnderSeveralParents = new Set<string>();
  const overtaken: number[] = [];
  const lastOfKey = new Map<string, number>();
  for (const { parents } of shards) {
    const parentOfKey = new Map<string, string>();
    for (const { parentKey, userRecords } of parents) {
      for (const { partitionKey, i } of userRecords) {
        const before = parentOfKey.get(partitionKey);
        if (before !== undefined && before !== parentKey) keysUnderSeveralParents.add(partitionKey);
        parentOfKey.set(partitionKey, parentKey);
        if ((lastOfKey.get(partitionKey) ?? -1) > i) overtaken.push(i);
        lastOfKey.set(partitionKey, i);
      }
    }
  }
  return { keysUnderSeveralParents: [...keysUnderSeveralParents], overtaken };
}

/** Every user record of `from`..`to` once, and those of `onTheirShard` on their key's shard. */
function expectEachOnce(shards: ReadShard[], to: number, onTheirShard = { from: 0, to }) {
  const seen = new Array<number>(to).fill(0);
  const offTheirShard: number[] = [];
  for (const { start, end, parents } of shards) {
    for (const { userRecords } of parents) {
      for (const { hashKey, i } of userRecords) {
        seen[i]!++;
        const off = hashKey < start || hashKey > end;
        if (off && i >= onTheirShard.from && i < onTheirShard.to) offTheirShard.push(i);
      }
    }
  }
  expect(seen.flatMap((count, i) => (count === 1 ? [] : [{ i, count }]))).toEqual([]);
  expect(offTheirShard).toEqual([]);
}

/** Puts `from`..`to` in bursts with a flush after each, and a lone record between them. */
async function put(producer: KinesisProducer, from: number, to: number) {
  for (let burst = from; burst < to; burst += 1_000) {
    for (let i = burst; i < Math.min(burst + 999, to); i++) producer.put(userRecord(i));
    await producer.flush();
    if (burst + 999 < to) producer.put(userRecord(burst + 999));
    expect((await producer.flush()).undeliverable).toEqual([]);
  }
}

const ordered = (streamName: string, options: Partial<KinesisProducerOptions> = {}) =>
  new KinesisProducer({
    client: kinesis().client,
    streamName,
    orderedGroupsPerShard: 4,
    aggregationMaxBytes: AGGREGATION_MAX_BYTES,
    ...options,
  });

describe('orderedGroupsPerShard against a local Kinesis', () => {
  it("keeps each key under one parent key of its shard's groups, in order, several keys to a group", async () => {
    const streamName = await newStream(4);
    const producer = ordered(streamName);

    await put(producer, 0, 10_000);

    const shards = await readShards(kinesis().client, streamName);
    expectEachOnce(shards, 10_000);
    expect(orderBrokenUnderParallelization(shards)).toEqual({
      keysUnderSeveralParents: [],
      overtaken: [],
    });
    const parents = shards.flatMap((shard) => shard.parents);
    // Every Kinesis record is an aggregate under a group's key, lone and large records included.
    expect(new Set(parents.map(({ parentKey }) => parentKey))).toEqual(
      new Set(['ordered-group-0', 'ordered-group-1', 'ordered-group-2', 'ordered-group-3']),
    );
    expect(parents.filter((parent) => !parent.aggregated)).toEqual([]);
    expect(parents.some(({ userRecords }) => userRecords.length === 1)).toBe(true);
    // Several keys share a group's parent key.
    const keysUnder = (shard: ReadShard, parentKey: string) =>
      new Set(
        shard.parents
          .filter((parent) => parent.parentKey === parentKey)
          .flatMap(({ userRecords }) => userRecords.map(({ partitionKey }) => partitionKey)),
      ).size;
    expect(keysUnder(shards[0]!, 'ordered-group-0')).toBeGreaterThan(1);
    expect(producer.counters.misroutedKinesisRecords).toBe(0);
  }, 60_000);

  it('spreads a key over several parent keys without it: the order that test checks is lost', async () => {
    const streamName = await newStream(4);
    const producer = ordered(streamName, { orderedGroupsPerShard: undefined });

    await put(producer, 0, 3_000);

    const shards = await readShards(kinesis().client, streamName);
    expectEachOnce(shards, 3_000);
    expect(orderBrokenUnderParallelization(shards).keysUnderSeveralParents).not.toEqual([]);
  }, 60_000);

  it('keeps them so through a reshard it learns in its time, and one it finds by a misrouted write', async () => {
    const streamName = await newStream(4);
    const producer = ordered(streamName, { shardMapMaxAgeMs: 50 });
    await put(producer, 0, 3_000);
    await kinesis().splitShard(streamName);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await put(producer, 3_000, 6_000);
    // The map is fresh, and wrong: aggregates built for the split shard land on its children.
    const fresh = ordered(streamName, { shardMapMaxAgeMs: 60_000 });
    await put(fresh, 6_000, 6_100);
    await kinesis().splitShard(streamName);
    await put(fresh, 6_100, 7_000);
    await put(fresh, 7_000, 9_000);

    const shards = await readShards(kinesis().client, streamName);
    expect(shards).toHaveLength(8);
    expect(fresh.counters.misroutedKinesisRecords).toBeGreaterThan(0);
    expect(orderBrokenUnderParallelization(shards)).toEqual({
      keysUnderSeveralParents: [],
      overtaken: [],
    });
    // Every record is on the shard its key belongs to, but for those put before the producer
    // found it out (as in the default mode: an aggregate goes where its first user record goes).
    expectEachOnce(shards, 9_000, { from: 7_000, to: 9_000 });
    expectEachOnce(shards, 9_000, { from: 0, to: 6_100 });
  }, 60_000);

  it('does nothing on a service-managed stream, and says so once', async () => {
    const streamName = `auto-${++streams}`;
    await kinesis().createStream(streamName, 2, { recordDistribution: 'AUTO' });
    const warnings: string[] = [];
    const producer = ordered(streamName, {
      logger: { info: () => {}, warn: (message) => warnings.push(message), error: () => {} },
    });

    await put(producer, 0, 2_000);

    const parents = (await readShards(kinesis().client, streamName)).flatMap(
      (shard) => shard.parents,
    );
    expect(parents).toHaveLength(2_000);
    expect(
      parents.every(({ parentKey, userRecords: [only] }) => parentKey === only!.partitionKey),
    ).toBe(true);
    expect(warnings).toEqual([expect.stringContaining('orderedGroupsPerShard does nothing')]);
  }, 60_000);
});
