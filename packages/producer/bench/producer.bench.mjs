// Aggregation + batching throughput of KinesisProducer against aws-kinesis-agg's aggregate(), on
// the same user records, with the Kinesis records and PUT payload units (per
// started 25 KB of a record) each produces, and how many user records each puts on another shard
// than their key's. The producer writes to an in-memory client that acknowledges every PutRecords
// call and lists 4 shards: no network, only our work is measured. Each case runs in processes of
// its own (see runCasesInProcesses).
// Run with `npm run bench`.
import { createHash, hash } from 'node:crypto';
import { computeHashKey, deaggregateBytes } from '@kpl-lambda/core';
import { KinesisProducer, PUT_PAYLOAD_UNIT_BYTES } from '@kpl-lambda/producer';
import awsKinesisAgg from 'aws-kinesis-agg';
import { medianMilliseconds, medianOf, runCasesInProcesses } from '../../../scripts/bench.mjs';

const quarter = 2n ** 126n;
const shards = Array.from({ length: 4 }, (_, i) => ({
  ShardId: `shardId-00000000000${i}`,
  HashKeyRange: {
    StartingHashKey: (quarter * BigInt(i)).toString(),
    EndingHashKey: (quarter * BigInt(i + 1) - 1n).toString(),
  },
  SequenceNumberRange: { StartingSequenceNumber: '1' },
}));
// Parsed once: the acknowledging client looks shards up inside the timed runs.
const shardRanges = shards.map(({ HashKeyRange }) => [
  BigInt(HashKeyRange.StartingHashKey),
  BigInt(HashKeyRange.EndingHashKey),
]);
const shardIndexOf = (hashKey) =>
  shardRanges.findIndex(([starting, ending]) => starting <= hashKey && hashKey <= ending);
const hashKeyOf = ({ partitionKey, explicitHashKey }) =>
  BigInt(explicitHashKey ?? computeHashKey(partitionKey));

/** Acknowledges every PutRecords entry, on the shard Kinesis would put it on; can keep them. */
const acknowledgingClient = (written) => ({
  async send(command) {
    if (command.constructor.name === 'ListShardsCommand') return { Shards: shards };
    const entries = command.input.Records.map((entry) => ({
      partitionKey: entry.PartitionKey,
      explicitHashKey: entry.ExplicitHashKey,
      data: entry.Data,
    }));
    written?.push(...entries);
    return {
      FailedRecordCount: 0,
      Records: entries.map((entry) => ({
        SequenceNumber: '1',
        ShardId: shards[shardIndexOf(hashKeyOf(entry))].ShardId,
      })),
    };
  },
});

/**
 * User records that Kinesis puts on another shard than the one their own key belongs to: their
 * order with the other records of that key is lost to a consumer reading shards in parallel.
 */
function userRecordsOffTheirShard(kinesisRecords) {
  let count = 0;
  for (const record of kinesisRecords) {
    const shard = shardIndexOf(hashKeyOf(record));
    for (const userRecord of deaggregateBytes(record.data, record)) {
      if (shardIndexOf(hashKeyOf(userRecord)) !== shard) count++;
    }
  }
  return count;
}

const userRecords = (count, bytes, keys) =>
  Array.from({ length: count }, (_, i) => ({
    partitionKey: keys === 'unique' ? `key-${i}-${Math.random()}` : `partition-key-${i % keys}`,
    data: Buffer.alloc(bytes, i % 256),
  }));

async function produce(records, written) {
  // 1 MiB aggregates, as aws-kinesis-agg makes them, to compare like with like.
  const producer = new KinesisProducer({
    client: acknowledgingClient(written),
    streamName: 'bench',
    aggregationMaxBytes: 1_048_576,
    // The input is held all at once, as the reference's aggregate() holds it.
    maxBufferedRecords: Number.POSITIVE_INFINITY,
    maxBufferedBytes: Number.POSITIVE_INFINITY,
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

const PROCESSES_PER_CASE = 3;

/** One process's run of a case: medians of both, what each wrote, and the MD5 floor. */
async function compare(records) {
  const oursWritten = [];
  const ours = await produce(records, oursWritten);
  const reference = await referenceAggregate(records);
  // The MD5s a shard-aware producer cannot skip: one of every aggregate (the reference makes them
  // too) and one of every distinct partition key, to know its shard (the reference does not),
  // each the cheapest way Node has.
  const aggregateBodies = oursWritten.map(({ data }) => data.subarray(4, data.length - 16));
  const distinctKeys = [...new Set(records.map((record) => record.partitionKey))];
  const [oursMs, referenceMs, aggregatesMd5Ms, keysMd5Ms] = await medianMilliseconds({
    'kpl-lambda': () => produce(records),
    'aws-kinesis-agg': () => referenceAggregate(records),
    'MD5 of the aggregates': () => {
      for (const body of aggregateBodies) createHash('md5').update(body).digest();
    },
    'MD5 of the partition keys': () => {
      for (const key of distinctKeys) hash('md5', key, 'hex');
    },
  });
  const putPayloadUnits = (written) =>
    written.reduce(
      (units, { data, partitionKey }) =>
        units + Math.ceil((data.length + Buffer.byteLength(partitionKey)) / PUT_PAYLOAD_UNIT_BYTES),
      0,
    );
  return {
    userRecords: records.length,
    distinctKeys: distinctKeys.length,
    oursMs,
    referenceMs,
    aggregatesMd5Ms,
    keysMd5Ms,
    ours: {
      kinesisRecords: ours.kinesisRecordsWritten,
      putPayloadUnits: ours.putPayloadUnits,
      offTheirShard: userRecordsOffTheirShard(oursWritten),
    },
    reference: {
      kinesisRecords: reference.length,
      putPayloadUnits: putPayloadUnits(reference),
      offTheirShard: userRecordsOffTheirShard(reference),
    },
  };
}

const cases = {
  '100,000 x 100 B, 1,000 keys': () => compare(userRecords(100_000, 100, 1000)),
  '100,000 x 2 KB, 1,000 keys': () => compare(userRecords(100_000, 2048, 1000)),
  '100,000 x 100 B, unique keys': () => compare(userRecords(100_000, 100, 'unique')),
};

const ms = (value) => `${value.toFixed(1)} ms`;
const runs = await runCasesInProcesses(cases, import.meta.url, PROCESSES_PER_CASE);
if (runs !== undefined) {
  const rows = [];
  const floors = [];
  for (const [name, caseRuns] of runs) {
    const median = (of) => medianOf(caseRuns.map(of));
    const oursMs = median((run) => run.oursMs);
    const referenceMs = median((run) => run.referenceMs);
    const ratios = caseRuns.map((run) => run.referenceMs / run.oursMs);
    const row = (implementation, runMs, written) => ({
      case: name,
      implementation,
      'records/s': Math.round((caseRuns[0].userRecords * 1000) / runMs).toLocaleString('en-US'),
      'Kinesis records': median((run) => run[written].kinesisRecords),
      'PUT payload units': median((run) => run[written].putPayloadUnits),
      'user records off their shard': median((run) => run[written].offTheirShard),
    });
    rows.push(
      row('kpl-lambda producer', oursMs, 'ours'),
      row('aws-kinesis-agg aggregate', referenceMs, 'reference'),
      {
        case: name,
        implementation: 'ratio',
        'records/s': `${(referenceMs / oursMs).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x)`,
      },
    );
    const aggregatesMd5Ms = median((run) => run.aggregatesMd5Ms);
    const keysMd5Ms = median((run) => run.keysMd5Ms);
    floors.push(
      `${name}: kpl-lambda ${ms(oursMs)}, aws-kinesis-agg ${ms(referenceMs)}; MD5 of the aggregates ` +
        `${ms(aggregatesMd5Ms)} + of ${caseRuns[0].distinctKeys.toLocaleString('en-US')} partition keys ` +
        `${ms(keysMd5Ms)} = ${ms(aggregatesMd5Ms + keysMd5Ms)}, against ${ms(referenceMs / 2)} for 2x`,
    );
  }
  console.log(
    `Node ${process.version}, ${new Date().toISOString()}; medians of ${PROCESSES_PER_CASE} processes per case (ratio range in brackets)`,
  );
  console.table(rows);
  for (const floor of floors) console.log(floor);
}
