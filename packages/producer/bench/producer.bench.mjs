// Aggregation + batching throughput of KinesisProducer against aws-kinesis-agg's aggregate(), in
// one process, on the same user records, with the Kinesis records and PUT payload units (per
// started 25 KB of a record) each produces. The producer writes to an in-memory client that
// acknowledges every PutRecords call and lists 4 shards: no network, only our work is measured.
// Run with `npm run bench`.
import { KinesisProducer, PUT_PAYLOAD_UNIT_BYTES } from '@kpl-lambda/producer';
import awsKinesisAgg from 'aws-kinesis-agg';
import { medianMilliseconds } from '../../../scripts/bench.mjs';

const quarter = 2n ** 126n;
const shards = Array.from({ length: 4 }, (_, i) => ({
  ShardId: `shardId-00000000000${i}`,
  HashKeyRange: {
    StartingHashKey: (quarter * BigInt(i)).toString(),
    EndingHashKey: (quarter * BigInt(i + 1) - 1n).toString(),
  },
  SequenceNumberRange: { StartingSequenceNumber: '1' },
}));
const acknowledgingClient = {
  async send(command) {
    if (command.constructor.name === 'ListShardsCommand') return { Shards: shards };
    return {
      FailedRecordCount: 0,
      Records: command.input.Records.map(() => ({
        SequenceNumber: '1',
        ShardId: 'shardId-000000000000',
      })),
    };
  },
};

const userRecords = (count, bytes, keys) =>
  Array.from({ length: count }, (_, i) => ({
    partitionKey: keys === 'unique' ? `key-${i}-${Math.random()}` : `partition-key-${i % keys}`,
    data: Buffer.alloc(bytes, i % 256),
  }));

async function produce(records) {
  // 1 MiB aggregates, as aws-kinesis-agg makes them, to compare like with like.
  const producer = new KinesisProducer({
    client: acknowledgingClient,
    streamName: 'bench',
    aggregationMaxBytes: 1_048_576,
  });
  for (const record of records) producer.put(record);
  await producer.flush();
  return producer.metrics;
}

function referenceAggregate(records) {
  return new Promise((resolve, reject) => {
    const encoded = [];
    awsKinesisAgg.aggregate(
      records,
      (record, done) => {
        encoded.push(record);
        done?.();
      },
      () => resolve(encoded),
      reject,
    );
  });
}

const cases = [
  ['100,000 x 100 B, 1,000 keys', userRecords(100_000, 100, 1000)],
  ['100,000 x 2 KB, 1,000 keys', userRecords(100_000, 2048, 1000)],
  ['100,000 x 100 B, unique keys', userRecords(100_000, 100, 'unique')],
];

const rows = [];
for (const [name, records] of cases) {
  const ours = await produce(records);
  const reference = await referenceAggregate(records);
  const referenceUnits = reference.reduce(
    (units, record) =>
      units +
      Math.ceil(
        (record.data.length + Buffer.byteLength(record.partitionKey)) / PUT_PAYLOAD_UNIT_BYTES,
      ),
    0,
  );
  const [oursMs, referenceMs] = await medianMilliseconds({
    'kpl-lambda': () => produce(records),
    'aws-kinesis-agg': () => referenceAggregate(records),
  });
  const [oursHz, referenceHz] = [1000 / oursMs, 1000 / referenceMs];
  const row = (implementation, hz, kinesisRecords, putPayloadUnits) => ({
    case: name,
    implementation,
    'records/s': Math.round(hz * records.length).toLocaleString('en-US'),
    'Kinesis records': kinesisRecords,
    'PUT payload units': putPayloadUnits,
  });
  rows.push(
    row('kpl-lambda producer', oursHz, ours.kinesisRecordsWritten, ours.putPayloadUnits),
    row('aws-kinesis-agg aggregate', referenceHz, reference.length, referenceUnits),
    { case: name, implementation: 'ratio', 'records/s': `${(oursHz / referenceHz).toFixed(2)}x` },
  );
}

console.log(`Node ${process.version}, ${new Date().toISOString()}`);
console.table(rows);
