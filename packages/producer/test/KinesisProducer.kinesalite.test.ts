import { SplitShardCommand } from '@aws-sdk/client-kinesis';
import { computeHashKey } from '@kpl-lambda/core';
import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
import { KinesisProducer, type PutResult } from '@kpl-lambda/producer';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { readStream, type ShardContent } from './helpers/readStream.js';

const kinesis = useLocalKinesis();
let streams = 0;

const newStream = async (shards: number) => {
  const name = `stream-${++streams}`;
  await kinesis().createStream(name, shards);
  return name;
};

/** User record `i`: one of 700 partition keys, every tenth with an explicit hash key. */
const userRecord = (i: number) => {
  const partitionKey = `user-${i % 700}`;
  return {
    partitionKey,
    data: { partitionKey, i, payload: 'x'.repeat(40) },
    ...(i % 10 === 0
      ? { explicitHashKey: BigInt(`0x${(i * 7919).toString(16).padStart(32, '9')}`).toString() }
      : {}),
  };
};

/** The hash key user record `i` was put with: its explicit one, or its partition key's. */
const hashKeyOf = (i: number) => {
  const { partitionKey, explicitHashKey } = userRecord(i);
  return BigInt(explicitHashKey ?? computeHashKey(partitionKey));
};

/**
 * Every user record in `from`..`to` arrived exactly once, on a shard whose range holds its hash
 * key, and the records of each partition key arrived in the order they were put.
 */
function expectDelivered(contents: ShardContent[], from: number, to: number) {
  const seen = new Map<number, number>();
  const lastByKey = new Map<string, number>();
  for (const { shard, userRecords } of contents) {
    const start = BigInt(shard.HashKeyRange!.StartingHashKey!);
    const end = BigInt(shard.HashKeyRange!.EndingHashKey!);
    for (const record of userRecords) {
      const { partitionKey, i } = JSON.parse(Buffer.from(record.data).toString()) as {
        partitionKey: string;
        i: number;
      };
      if (i < from || i >= to) continue;
      seen.set(i, (seen.get(i) ?? 0) + 1);
      const hashKey = hashKeyOf(i);
      // An aggregate carries each user record's explicit hash key; a plain record cannot.
      if (record.aggregated && record.explicitHashKey !== userRecord(i).explicitHashKey) {
        throw new Error(`user record ${i} lost its explicit hash key`);
      }
      if (hashKey < start || hashKey > end)
        throw new Error(`user record ${i} is on ${shard.ShardId}, outside its range`);
      if (record.explicitHashKey === undefined) {
        if ((lastByKey.get(partitionKey) ?? -1) > i)
          throw new Error(`user record ${i} of ${partitionKey} overtook a later one`);
        lastByKey.set(partitionKey, i);
      }
    }
  }
  expect(seen.size).toBe(to - from);
  expect([...seen.values()].every((count) => count === 1)).toBe(true);
}

describe('KinesisProducer against a local Kinesis', () => {
  it.each([2, 4])(
    'writes 50,000 user records to %i shards, each once, on its shard, in order per key',
    async (shards) => {
      const streamName = await newStream(shards);
      const producer = new KinesisProducer({ client: kinesis().client, streamName });

      for (let i = 0; i < 50_000; i++) producer.put(userRecord(i));
      const { undeliverable } = await producer.flush();

      expect(undeliverable).toEqual([]);
      expectDelivered(await readStream(kinesis().client, streamName), 0, 50_000);
      expect(producer.counters).toMatchObject({
        userRecordsPut: 50_000,
        userRecordsWritten: 50_000,
        failedUserRecords: 0,
      });
      // About 5 MB in aggregates of at most 50 KB (the KPL's default): ~100 Kinesis records, not 50,000.
      const full = Math.ceil(producer.counters.bytesWritten / 51_200);
      expect(producer.counters.kinesisRecordsWritten).toBeGreaterThanOrEqual(full);
      expect(producer.counters.kinesisRecordsWritten).toBeLessThanOrEqual(full + shards * 2);
    },
    60_000,
  );

  it('writes plain records, in order per key, with aggregation off', async () => {
    const streamName = await newStream(2);
    const producer = new KinesisProducer({
      client: kinesis().client,
      streamName,
      aggregate: false,
    });

    for (let i = 0; i < 3_000; i++) producer.put(userRecord(i));
    await producer.flush();

    const contents = await readStream(kinesis().client, streamName);
    expectDelivered(contents, 0, 3_000);
    expect(
      contents.flatMap((shard) => shard.userRecords).every((record) => !record.aggregated),
    ).toBe(true);
    expect(producer.counters.kinesisRecordsWritten).toBe(3_000);
  }, 60_000);

  it('learns the new shards after SplitShard once its map is older than shardMapMaxAgeMs', async () => {
    const streamName = await newStream(2);
    const producer = new KinesisProducer({
      client: kinesis().client,
      streamName,
      shardMapMaxAgeMs: 50,
    });
    for (let i = 0; i < 25_000; i++) producer.put(userRecord(i));
    await producer.flush();

    const [first] = await readStream(kinesis().client, streamName);
    const { StartingHashKey, EndingHashKey } = first!.shard.HashKeyRange!;
    const middle = (BigInt(StartingHashKey!) + BigInt(EndingHashKey!)) / 2n;
    await kinesis().client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: first!.shard.ShardId!,
        NewStartingHashKey: middle.toString(),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 25_000; i < 50_000; i++) producer.put(userRecord(i));
    await producer.flush();

    const contents = await readStream(kinesis().client, streamName);
    expect(contents).toHaveLength(4);
    expectDelivered(contents, 0, 50_000);
    expect(producer.counters.misroutedKinesisRecords).toBe(0);
  }, 60_000);

  it('writes everything on flush although the shard map is learnt again during the flush', async () => {
    // A 1 ms map is learnt again all the time, also while a flush sends: records it routes then
    // land in aggregates the flush had already closed, and must still be written.
    const streamName = await newStream(2);
    const producer = new KinesisProducer({
      client: kinesis().client,
      streamName,
      shardMapMaxAgeMs: 1,
    });

    for (let i = 0; i < 20_000; i++) producer.put(userRecord(i));
    const { undeliverable } = await producer.flush();

    expect(undeliverable).toEqual([]);
    expect(producer.counters.userRecordsWritten).toBe(20_000);
    expectDelivered(await readStream(kinesis().client, streamName), 0, 20_000);
  }, 60_000);

  it('notices a write that lands on an unexpected shard, and aggregates anew for the new shards', async () => {
    const streamName = await newStream(1);
    const producer = new KinesisProducer({
      client: kinesis().client,
      streamName,
      maxRecordBytes: 64 * 1024,
    });
    producer.put(userRecord(0));
    await producer.flush();
    const [only] = await readStream(kinesis().client, streamName);
    await kinesis().client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: only!.shard.ShardId!,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );

    // The map is fresh enough to be trusted, but wrong: some aggregates go to the old shard's range.
    for (let i = 1; i < 20_000; i++) producer.put(userRecord(i));
    await producer.flush();
    for (let i = 20_000; i < 30_000; i++) producer.put(userRecord(i));
    await producer.flush();

    const contents = await readStream(kinesis().client, streamName);
    expect(producer.counters.misroutedKinesisRecords).toBeGreaterThan(0);
    // Nothing lost or doubled, order kept; once the shards were learnt again, every record is
    // on the shard its key belongs to.
    const everything = contents.flatMap((shard) => shard.userRecords);
    expect(everything).toHaveLength(30_000);
    expectDelivered(contents, 20_000, 30_000);
  }, 60_000);
});

describe('putWithResult against a local Kinesis', () => {
  it.each([true, false])(
    'resolves with the shard, sequence number and position each user record was read back with (aggregate: %s)',
    async (aggregate) => {
      const streamName = await newStream(2);
      const producer = new KinesisProducer({ client: kinesis().client, streamName, aggregate });
      const data = (i: number) => `${aggregate}-${i}`;

      const results = Array.from({ length: 30 }, (_, i) =>
        producer.putWithResult({ partitionKey: `k${i % 4}`, data: data(i) }),
      );
      const written = await Promise.all(results);

      const readBack = new Map(
        (await readStream(kinesis().client, streamName)).flatMap(({ shard, userRecords }) =>
          userRecords.map((record): [string, PutResult] => [
            Buffer.from(record.data).toString(),
            {
              shardId: shard.ShardId!,
              sequenceNumber: record.sequenceNumber,
              subSequenceNumber: record.subSequenceNumber,
              aggregated: record.aggregated,
              attempts: 1,
            },
          ]),
        ),
      );
      expect(written).toEqual(written.map((_, i) => readBack.get(data(i))));
      expect(written.some((result) => result.aggregated)).toBe(aggregate);
    },
  );
});

describe('ready() against a local Kinesis', () => {
  /** A client of the local Kinesis that records the name of every command it sends. */
  const recordingClient = () => {
    const commands: string[] = [];
    const client = localKinesisClient({
      endpoint: kinesis().endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName as string);
        return next(args);
      },
      { step: 'initialize' },
    );
    return { client, commands };
  };

  it('resolves once the stream and its shards are learnt, so that the puts after it ask nothing', async () => {
    const streamName = await newStream(3);
    const { client, commands } = recordingClient();
    const producer = new KinesisProducer({ client, streamName });

    await producer.ready();
    const learnt = [...commands];
    for (let i = 0; i < 2_000; i++) producer.put(userRecord(i));
    const { undeliverable } = await producer.flush();

    expect(learnt).toEqual(['DescribeStreamSummaryCommand', 'ListShardsCommand']);
    expect(commands.slice(learnt.length).every((name) => name === 'PutRecordsCommand')).toBe(true);
    expect(undeliverable).toEqual([]);
    expectDelivered(await readStream(kinesis().client, streamName), 0, 2_000);
    await producer.ready();
    expect(commands.filter((name) => name !== 'PutRecordsCommand')).toEqual(learnt);
    client.destroy();
  });

  it('resolves, never rejects, when the stream is not there, and the records put then are given up', async () => {
    const { client } = recordingClient();
    const producer = new KinesisProducer({ client, streamName: 'no-such-stream', logger: false });

    await expect(producer.ready()).resolves.toBeUndefined();
    producer.put({ partitionKey: 'k', data: 'x' });
    const { undeliverable } = await producer.flush();

    expect(undeliverable).toEqual([
      expect.objectContaining({ errorCode: 'ResourceNotFoundException' }),
    ]);
    client.destroy();
  });
});
