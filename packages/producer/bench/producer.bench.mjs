// Aggregation + batching throughput of KinesisProducer against aws-kinesis-agg's aggregate(), on
// the same user records, with the Kinesis records and PUT payload units (per
// started 25 KB of a record) each produces, and how many user records each puts on another shard
// than their key's. The producer writes to an in-memory client that acknowledges every PutRecords
// call and lists 4 shards: no network, only our work is measured. The producer is made once per
// process and reused, as in a Lambda function. Each case runs in processes of its own (see
// runCasesInProcesses).
// Run with `npm run bench`.
import { hash } from 'node:crypto';
import { deaggregateBytes } from '@kpl-lambda/core';
import { KinesisProducer, PUT_PAYLOAD_UNIT_BYTES } from '@kpl-lambda/producer';
import awsKinesisAgg from 'aws-kinesis-agg';
import {
  copyIntoBuffersOf,
  kilobytes,
  medianMilliseconds,
  medianOf,
  memoryOf,
  onFreshRecords,
  QUICK,
  rssCell,
  rssGrowthOf,
  rssTask,
  runCasesInProcesses,
  updateResults,
} from '../../../scripts/bench.mjs';
import { acknowledgingClient, hashKeyOf, shardIndexOf } from './inMemoryKinesis.mjs';

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

function newProducer(written, { rateLimit = Number.POSITIVE_INFINITY } = {}) {
  // 1 MiB aggregates, as aws-kinesis-agg makes them, to compare like with like.
  return new KinesisProducer({
    client: acknowledgingClient(written),
    streamName: 'bench',
    aggregationMaxBytes: 1_048_576,
    // The input is held all at once, as the reference's aggregate() holds it.
    maxBufferedRecords: Number.POSITIVE_INFINITY,
    maxBufferedBytes: Number.POSITIVE_INFINITY,
    // The in-memory Kinesis takes any rate: at Kinesis's own limits the producer would wait for
    // its shards (see the second table for what the rate limiter costs).
    rateLimit,
  });
}

/** Put and flush, each record with its own promise of a result, awaited. */
async function produceWithResults(producer, records) {
  const results = records.map((record) => producer.putWithResult(record));
  await producer.flush();
  await Promise.all(results);
  return producer.counters;
}

/**
 * One process's run of the second table: the same put and flush with the rate limiter off, on at
 * a thousand times Kinesis's limits (no shard near them), and with a result per record.
 */
async function compareWays(records) {
  const off = newProducer();
  const on = newProducer(undefined, { rateLimit: 100_000 });
  const withResults = newProducer();
  const tasks = {
    'put, rate limiter off': onFreshRecords(records, (fresh) => produce(off, fresh)),
    'put, rate limiter on, no shard near its limit': onFreshRecords(records, (fresh) =>
      produce(on, fresh),
    ),
    'putWithResult, each result awaited': onFreshRecords(records, (fresh) =>
      produceWithResults(withResults, fresh),
    ),
  };
  const names = Object.keys(tasks);
  const ms = await medianMilliseconds(tasks);
  const allocated = [];
  for (const name of names) allocated.push((await memoryOf(tasks[name])).allocated);
  return { userRecords: records.length, names, ms, allocated };
}

async function produce(producer, records) {
  for (const record of records) producer.put(record);
  await producer.flush();
  return producer.counters;
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

/** One process's run of a case: medians of both, what each wrote, and the MD5 floor. */
async function compare(records) {
  if (rssTask !== undefined) {
    return rssGrowthOf(
      rssTask === 'ours'
        ? () => produce(newProducer(), records)
        : () => referenceAggregate(records),
    );
  }
  const oursWritten = [];
  const ours = await produce(newProducer(oursWritten), records);
  // One producer serves every timed run, as a Lambda's module-scope producer serves every
  // invocation: what is timed is put and flush, not making a producer and learning its shards.
  // (Producers made and dropped by the thousand also make V8 throw away optimised code at each
  // full collection, which no long-lived producer sees.)
  const producer = newProducer();
  const reference = await referenceAggregate(records);
  // The MD5s a shard-aware producer cannot skip: one of every aggregate (the reference makes them
  // too) and one of every distinct partition key, to know its shard (the reference does not),
  // each the cheapest way Node has.
  const aggregateBodies = oursWritten.map(({ data }) => data.subarray(4, data.length - 16));
  const knownKeys = new Set(records.map((record) => record.partitionKey));
  const distinctKeys = [...knownKeys];
  const aggregateSizes = oursWritten.map(({ data }) => data.length);
  const datas = records.map(({ data }) => data);
  const oursTask = onFreshRecords(records, (fresh) => produce(producer, fresh));
  const referenceTask = onFreshRecords(records, referenceAggregate);
  const [oursMs, referenceMs, aggregatesMd5Ms, keysMd5Ms, copyMs, keyLookupMs, everyKeyMd5Ms] =
    await medianMilliseconds({
      'kpl-lambda': oursTask,
      'aws-kinesis-agg': referenceTask,
      'MD5 of the aggregates': () => {
        for (const body of aggregateBodies) hash('md5', body, 'buffer');
      },
      'MD5 of the partition keys': () => {
        for (const key of distinctKeys) hash('md5', key, 'hex');
      },
      'one copy of the data': () => copyIntoBuffersOf(aggregateSizes, datas),
      // The MD5 of the distinct keys takes each record's key as known to be one of them. Given
      // new key strings, a producer learns that by hashing each one to look it up, or else takes
      // the MD5 of every record's key: the second floor adds the cheaper of the two.
      "each record's key found among the distinct keys": onFreshRecords(records, (fresh) => {
        for (const { partitionKey } of fresh) {
          if (!knownKeys.has(partitionKey)) throw new Error(`${partitionKey} is not among them`);
        }
      }),
      "MD5 of every record's key": onFreshRecords(records, (fresh) => {
        for (const { partitionKey } of fresh) hash('md5', partitionKey, 'hex');
      }),
    });
  const oursMemory = await memoryOf(oursTask);
  const referenceMemory = await memoryOf(referenceTask);
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
    copyMs,
    keyLookupMs,
    everyKeyMd5Ms,
    oursMemory,
    referenceMemory,
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

// The quick mode puts a tenth as many.
const COUNT = QUICK ? 10_000 : 100_000;
const COUNT_LABEL = COUNT.toLocaleString('en-US');
const WAYS = 'ways: ';
const cases = {
  [`${COUNT_LABEL} x 100 B, 1,000 keys`]: () => compare(userRecords(COUNT, 100, 1000)),
  [`${COUNT_LABEL} x 2 KB, 1,000 keys`]: () => compare(userRecords(COUNT, 2048, 1000)),
  [`${COUNT_LABEL} x 100 B, unique keys`]: () => compare(userRecords(COUNT, 100, 'unique')),
  [`${WAYS}${COUNT_LABEL} x 100 B, 1,000 keys`]: () => compareWays(userRecords(COUNT, 100, 1000)),
};

const allRuns = await runCasesInProcesses(cases, import.meta.url, 3, {
  rssTasksOf: (name) => (name.startsWith(WAYS) ? [] : ['ours', 'reference']),
});
const runs = allRuns && new Map([...allRuns].filter(([name]) => !name.startsWith(WAYS)));
if (allRuns !== undefined) {
  const lines = [
    '| case | how | median time | records/s | x the first | memory allocated per run |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, caseRuns] of allRuns) {
    if (!name.startsWith(WAYS)) continue;
    const { names, userRecords: count } = caseRuns[0];
    const msOf = names.map((_, i) => medianOf(caseRuns.map((run) => run.ms[i])));
    names.forEach((way, i) => {
      const allocated = medianOf(caseRuns.map((run) => run.allocated[i]));
      lines.push(
        `| ${name.slice(WAYS.length)} | ${way} | ${msOf[i].toFixed(1)} ms | ${Math.round((count * 1000) / msOf[i]).toLocaleString('en-US')} | ${(msOf[i] / msOf[0]).toFixed(2)}x | ${kilobytes(allocated)} |`,
      );
    });
  }
  const table = lines.join('\n');
  console.log(table);
  updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'producer-ways', table);
}
if (runs !== undefined) {
  const lines = [
    '| case | implementation | median time | records/s | faster than aws-kinesis-agg | x floor | x second floor | Kinesis records | PUT payload units | user records off their shard | memory allocated per run | peak RSS growth, first run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  let processes = 0;
  for (const [name, caseRuns] of runs) {
    processes = caseRuns.length;
    const median = (of) => medianOf(caseRuns.map(of));
    const oursMs = median((run) => run.oursMs);
    const referenceMs = median((run) => run.referenceMs);
    const floorMs = median((run) => run.aggregatesMd5Ms + run.keysMd5Ms + run.copyMs);
    // Noise aside, the MD5 of every record's key is never less than that of the distinct ones.
    const secondFloorMs = median(
      (run) =>
        run.aggregatesMd5Ms +
        run.copyMs +
        Math.max(run.keysMd5Ms, Math.min(run.keysMd5Ms + run.keyLookupMs, run.everyKeyMd5Ms)),
    );
    const rate = (runMs) =>
      Math.round((caseRuns[0].userRecords * 1000) / runMs).toLocaleString('en-US');
    const row = (implementation, runMs, written, memory, cells) =>
      `| ${name} | ${implementation} | ${runMs.toFixed(1)} ms | ${rate(runMs)} | ${cells} | ${median((run) => run[written].kinesisRecords)} | ${median((run) => run[written].putPayloadUnits)} | ${median((run) => run[written].offTheirShard).toLocaleString('en-US')} | ${kilobytes(median((run) => run[memory].allocated))} | ${rssCell(caseRuns[0].rss, written)} |`;
    lines.push(
      row(
        'kpl-lambda producer',
        oursMs,
        'ours',
        'oursMemory',
        `${(referenceMs / oursMs).toFixed(2)}x | ${(oursMs / floorMs).toFixed(2)}x | ${(oursMs / secondFloorMs).toFixed(2)}x`,
      ),
      row('aws-kinesis-agg aggregate()', referenceMs, 'reference', 'referenceMemory', ' | | '),
      `| ${name} | floor: MD5 of the aggregates and of ${caseRuns[0].distinctKeys.toLocaleString('en-US')} distinct keys, one copy of the data | ${floorMs.toFixed(1)} ms | ${rate(floorMs)} | | | | | | | | |`,
      `| ${name} | second floor: the floor, and each record's key recognised (looked up among the distinct keys, or the MD5 of every record's key, whichever is cheaper) | ${secondFloorMs.toFixed(1)} ms | ${rate(secondFloorMs)} | | ${(secondFloorMs / floorMs).toFixed(2)}x | | | | | | |`,
    );
  }
  const table = lines.join('\n');
  console.log(`Node ${process.version}; medians of ${processes} process(es) per case`);
  console.log(table);
  updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'producer', table);
}
