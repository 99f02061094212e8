// A service-managed stream (RecordDistributionStrategy AUTO) played by the local Kinesis: the
// service places each record itself, so the producer sends plain records, a record put without a
// partition key goes without one, and no shard map is learnt.
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as KinesisRecord,
  ListShardsCommand,
  UpdateStreamRecordDistributionStrategyCommand,
} from '@aws-sdk/client-kinesis';
import { isAggregated } from '@kpl-lambda/core';
import { KinesisProducer, type ProducerRecord } from '@kpl-lambda/producer';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';

const kinesis = useLocalKinesis();
let streams = 0;

const newStream = async (shards: number, recordDistribution: 'AUTO' | 'USER_PARTITION_KEY') => {
  const name = `stream-${++streams}`;
  await kinesis().createStream(name, shards, { recordDistribution });
  return name;
};

/** Every Kinesis record of the stream as GetRecords gives it, not deaggregated. */
async function kinesisRecordsOf(StreamName: string): Promise<KinesisRecord[]> {
  const { client } = kinesis();
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName }));
  const records: KinesisRecord[] = [];
  for (const { ShardId } of Shards) {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const page = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    records.push(...(page.Records ?? []));
  }
  return records;
}

/** The Kinesis API calls made through the local client while `run` runs. */
async function callsDuring(run: () => Promise<void>): Promise<Set<string>> {
  const called = new Set<string>();
  const name = `calls-${streams}`;
  kinesis().client.middlewareStack.add(
    (next, context) => (args) => {
      called.add(context.commandName as string);
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await run();
  } finally {
    kinesis().client.middlewareStack.remove(name);
  }
  return called;
}

/** A logger, and a promise that resolves when the producer says the stream changed. */
function noticing() {
  let noticed!: () => void;
  const changed = new Promise<void>((resolve) => (noticed = resolve));
  const logger = {
    info: (message: string) => {
      if (message.startsWith('The stream changed')) noticed();
    },
    warn: () => {},
    error: () => {},
  };
  return { logger, changed };
}

const text = (record: KinesisRecord) => Buffer.from(record.Data!).toString();

async function switchTo(
  StreamName: string,
  RecordDistributionStrategy: 'AUTO' | 'USER_PARTITION_KEY',
) {
  const { StreamDescriptionSummary } = await kinesis().client.send(
    new DescribeStreamSummaryCommand({ StreamName }),
  );
  await kinesis().client.send(
    new UpdateStreamRecordDistributionStrategyCommand({
      StreamARN: StreamDescriptionSummary!.StreamARN!,
      RecordDistributionStrategy,
    }),
  );
}

describe('a producer on a service-managed stream', () => {
  it('writes plain records, with and without partition keys, and lists no shards', async () => {
    const streamName = await newStream(4, 'AUTO');
    const records: ProducerRecord[] = Array.from({ length: 300 }, (_, i) =>
      i % 2 === 0 ? { data: `keyless-${i}` } : { data: `keyed-${i}`, partitionKey: `k${i % 7}` },
    );
    let producer!: KinesisProducer;

    const called = await callsDuring(async () => {
      producer = new KinesisProducer({ client: kinesis().client, streamName });
      // Half put before the stream answered (they wait for it), half after.
      producer.putMany(records.slice(0, 150));
      expect((await producer.flush()).undeliverable).toEqual([]);
      producer.putMany(records.slice(150));
      expect((await producer.flush()).undeliverable).toEqual([]);
    });

    expect([...called].sort()).toEqual(['DescribeStreamSummaryCommand', 'PutRecordsCommand']);
    const written = await kinesisRecordsOf(streamName);
    expect(written.map(text).sort()).toEqual(records.map(({ data }) => data).sort());
    expect(written.some((record) => isAggregated(record.Data!))).toBe(false);
    for (const record of written) {
      if (text(record).startsWith('keyless')) expect(record.PartitionKey).toBeUndefined();
      else expect(record.PartitionKey).toBe(`k${Number(text(record).slice(6)) % 7}`);
    }
    expect(new Set(written.map(({ SequenceNumber }) => SequenceNumber)).size).toBe(300);
    expect(producer.counters).toMatchObject({
      kinesisRecordsWritten: 300,
      misroutedKinesisRecords: 0,
      // Kinesis counts a record without a key by its data alone.
      bytesWritten: records.reduce(
        (sum, { data, partitionKey }) => sum + String(data).length + (partitionKey?.length ?? 0),
        0,
      ),
    });
  });

  it('stops aggregating when the stream turns service-managed: what was not sent goes plain', async () => {
    const streamName = await newStream(2, 'USER_PARTITION_KEY');
    const { logger, changed } = noticing();
    const producer = new KinesisProducer({
      client: kinesis().client,
      streamName,
      shardMapMaxAgeMs: 50,
      maxBufferedMs: 60_000,
      logger,
    });
    producer.put({ data: 'learnt', partitionKey: 'k' });
    await producer.flush();

    // Put into open aggregates, not sent (maxBufferedMs), when the stream is switched.
    for (let i = 0; i < 50; i++) producer.put({ data: `before-${i}`, partitionKey: `k${i % 3}` });
    await switchTo(streamName, 'AUTO');
    await new Promise((resolve) => setTimeout(resolve, 60));
    // The stream is due to be asked again: the next put waits for it, and so do these.
    for (let i = 0; i < 50; i++) producer.put({ data: `after-${i}` });
    await changed;
    expect((await producer.flush()).undeliverable).toEqual([]);

    const written = await kinesisRecordsOf(streamName);
    expect(written).toHaveLength(101);
    expect(written.filter((record) => isAggregated(record.Data!))).toEqual([]);
    const keyless = written.filter((record) => record.PartitionKey === undefined).map(text);
    expect(keyless.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `after-${i}`).sort());
  });

  it('gives keyless records not yet sent a key when the stream turns back to keys', async () => {
    const streamName = await newStream(2, 'AUTO');
    const { logger, changed } = noticing();
    const producer = new KinesisProducer({
      client: kinesis().client,
      streamName,
      shardMapMaxAgeMs: 50,
      maxBufferedMs: 60_000,
      logger,
    });
    producer.put({ data: 'learnt' });
    await producer.flush();

    for (let i = 0; i < 20; i++) producer.put({ data: `keyless-${i}` });
    await switchTo(streamName, 'USER_PARTITION_KEY');
    await new Promise((resolve) => setTimeout(resolve, 60));
    producer.put({ data: 'keyed', partitionKey: 'k' });
    await changed;
    expect((await producer.flush()).undeliverable).toEqual([]);

    const written = await kinesisRecordsOf(streamName);
    // Each keyless record got a key of its own (random), so none waits for another's shard.
    const sentAfter = written.filter((record) => text(record) !== 'learnt');
    expect(sentAfter.every((record) => record.PartitionKey !== undefined)).toBe(true);
    expect(producer.counters.userRecordsWritten).toBe(22);
  });
});
