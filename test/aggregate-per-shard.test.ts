// aggregate() on a stream of four shards (a local Kinesis), read back as the KCL reads each
// shard: the real KCL 3.1.3 deaggregator given the shard's hash key range drops a whole aggregate
// one of whose user records hashes outside it (awslabs/kinesis-aggregation #11, #175; KCL #343).
// Plain aggregate() loses records that way; aggregate() with the stream's shards loses none, and
// each aggregate lands on the shard it says, before and after a reshard.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { type AggregatedRecord, aggregate, type UserRecordInput } from '@kpl-lambda/core';
import { resolveJars, useLocalKinesis, whyNoJava } from '@kpl-lambda/testing-utils';
import { KCL3_DIRECTORY, type KclShardRecord, kclDeaggregate } from './helpers/kclDeaggregate.js';

const noKcl = whyNoJava() ?? resolveJars(KCL3_DIRECTORY);
if (noKcl !== undefined) console.warn(`${noKcl}: aggregate() read by the KCL is SKIPPED.`);
const describeWithJava = noKcl === undefined ? describe : describe.skip;

const records: UserRecordInput[] = Array.from({ length: 400 }, (_, i) => ({
  partitionKey: `user-${i % 50}`,
  data: `r${i}`,
  ...(i % 10 === 0 ? { explicitHashKey: String(BigInt(i) * 10n ** 35n) } : {}),
}));

const kinesis = useLocalKinesis();

async function shardsOf(StreamName: string): Promise<Shard[]> {
  return (await kinesis().client.send(new ListShardsCommand({ StreamName }))).Shards ?? [];
}

/** Puts the aggregates in one request: the shard each landed on, in order. */
async function put(StreamName: string, aggregated: AggregatedRecord[]): Promise<string[]> {
  const { Records = [], FailedRecordCount } = await kinesis().client.send(
    new PutRecordsCommand({
      StreamName,
      Records: aggregated.map(({ partitionKey, explicitHashKey, data }) => ({
        PartitionKey: partitionKey,
        ExplicitHashKey: explicitHashKey,
        Data: data,
      })),
    }),
  );
  expect(FailedRecordCount).toBe(0);
  return Records.map((entry) => entry.ShardId!);
}

/** What the KCL hands the record processors of every shard: the user records' data. */
async function readAsTheKcl(StreamName: string): Promise<string[]> {
  const read: KclShardRecord[] = [];
  for (const shard of await shardsOf(StreamName)) {
    const { ShardIterator } = await kinesis().client.send(
      new GetShardIteratorCommand({
        StreamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records = [] } = await kinesis().client.send(new GetRecordsCommand({ ShardIterator }));
    for (const record of Records) {
      read.push({
        data: record.Data!,
        hashKeyRange: {
          start: BigInt(shard.HashKeyRange!.StartingHashKey!),
          end: BigInt(shard.HashKeyRange!.EndingHashKey!),
        },
      });
    }
  }
  return kclDeaggregate(read).flatMap((view) => {
    if (!('records' in view)) throw new Error(`unexpected KCL view ${JSON.stringify(view)}`);
    return view.records.map(({ d }) => Buffer.from(d, 'base64').toString());
  });
}

const everyRecord = records.map(({ data }) => data).sort();

describeWithJava('aggregate() read by the KCL from a stream of four shards', () => {
  it('plain aggregate() loses whole aggregates to the KCL', async () => {
    await kinesis().createStream('mixed', 4);
    await put('mixed', aggregate(records, { aggregationMaxCount: 40 }));

    const handed = await readAsTheKcl('mixed');
    expect(handed.length).toBeLessThan(records.length / 2);
  });

  it('aggregate() with the shards loses nothing: each aggregate lands on the shard it says', async () => {
    await kinesis().createStream('per-shard', 4);
    const aggregated = aggregate(records, { shards: await shardsOf('per-shard') });
    expect(await put('per-shard', aggregated)).toEqual(aggregated.map(({ shardId }) => shardId));
    expect(aggregated).toHaveLength(4);

    // After a reshard, a map read again routes to the children, and the KCL reads them all.
    await kinesis().splitShard('per-shard');
    const after = aggregate(records, { shards: await shardsOf('per-shard') });
    expect(await put('per-shard', after)).toEqual(after.map(({ shardId }) => shardId));
    expect(after).toHaveLength(5);

    // Every shard, the closed parent too: each of the 400 records twice, none lost.
    expect((await readAsTheKcl('per-shard')).sort()).toEqual(
      [...everyRecord, ...everyRecord].sort(),
    );
  }, 30_000);
});
