// Aggregation + batching throughput of KinesisProducer against aws-kinesis-agg's aggregate() and
// the PutRecords calls its users write, on the same user records, at Lambda's memory sizes, with
// the Kinesis records and PUT payload units (per started 25 KB of a record) each produces, and how
// many user records each puts on another shard than their key's. Both write to an in-memory client
// that acknowledges every PutRecords call and lists 4 shards: no network, only the work is
// measured. The producer is made once per process and reused, as in a Lambda function, and made
// afresh for every run as in a first invocation. Each case runs in processes of its own (see
// runCasesAtLambdaSizes).
// Run with `npm run bench`.
import { hash } from 'node:crypto';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { deaggregateBytes } from '@kpl-lambda/core';
import { KinesisProducer, PUT_PAYLOAD_UNIT_BYTES } from '@kpl-lambda/producer';
import awsKinesisAgg from 'aws-kinesis-agg';
import {
  copyIntoBuffersOf,
  FLOOR_SETTING,
  freshCopyOf,
  kilobytes,
  MEASURING_MEMORY,
  medianMilliseconds,
  medianOf,
  memoryOf,
  onFreshRecords,
  QUICK,
  rssCell,
  rssGrowthOf,
  rssTask,
  runCasesAtLambdaSizes,
  runCasesInProcesses,
  runsOneCase,
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

/**
 * A producer with the default options, or with `aggregationMaxBytes` and no buffer bounds: the
 * in-memory Kinesis takes any rate, so the rate limiter is off (see the second table for what it
 * costs); at Kinesis's own limits the producer would wait for its shards.
 */
function newProducer(written, { rateLimit = Number.POSITIVE_INFINITY, ...options } = {}) {
  return new KinesisProducer({
    client: acknowledgingClient(written),
    streamName: 'bench',
    rateLimit,
    ...options,
  });
}

/** 1 MiB aggregates, as aws-kinesis-agg makes them, the input held at once as its aggregate() holds it. */
const MIB_AGGREGATES = {
  aggregationMaxBytes: 1_048_576,
  maxBufferedRecords: Number.POSITIVE_INFINITY,
  maxBufferedBytes: Number.POSITIVE_INFINITY,
};

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
  const off = newProducer(undefined, MIB_AGGREGATES);
  const on = newProducer(undefined, { ...MIB_AGGREGATES, rateLimit: 100_000 });
  const withResults = newProducer(undefined, MIB_AGGREGATES);
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

/** Puts every record, waiting for room when the producer says it is full, then flushes. */
async function produce(producer, records) {
  for (const record of records) {
    if (!producer.put(record)) await producer.whenWritable();
  }
  await producer.flush();
  return producer.counters;
}

/**
 * aws-kinesis-agg as its README shows: aggregate(), and each encoded record put as it is ready,
 * the next aggregate begun once Kinesis took it.
 */
function referenceProduce(records, client) {
  return new Promise((resolve, reject) => {
    const encoded = [];
    awsKinesisAgg.aggregate(
      records,
      (record, done) => {
        encoded.push(record);
        const entry = { Data: record.data, PartitionKey: record.partitionKey };
        if (record.explicitHashKey) entry.ExplicitHashKey = record.explicitHashKey;
        client
          .send(new PutRecordsCommand({ StreamName: 'bench', Records: [entry] }))
          .then(() => done?.(), reject);
      },
      () => resolve(encoded),
      reject,
    );
  });
}

const OURS = 'kpl-lambda producer, default options';
const OURS_MIB = 'kpl-lambda producer, 1 MiB aggregates';
const OURS_FIRST =
  'kpl-lambda producer, default options, first invocation (a new producer, its stream learnt at init)';
const REFERENCE = 'aws-kinesis-agg aggregate() and PutRecords';
const IMPLEMENTATIONS = [OURS, OURS_MIB, OURS_FIRST, REFERENCE];

/**
 * One process's run of a case: each implementation and the pieces of the floors, timed at the
 * process's young generation; in the process that measures memory, what each allocates per run
 * and what each wrote.
 */
async function compare(records) {
  const client = acknowledgingClient();
  const run = {
    [OURS]: (() => {
      const producer = newProducer();
      return (fresh) => produce(producer, fresh);
    })(),
    [OURS_MIB]: (() => {
      const producer = newProducer(undefined, MIB_AGGREGATES);
      return (fresh) => produce(producer, fresh);
    })(),
    [OURS_FIRST]: async (fresh) => {
      const producer = newProducer();
      await producer.ready();
      return produce(producer, fresh);
    },
    [REFERENCE]: (fresh) => referenceProduce(fresh, client),
  };
  if (rssTask !== undefined) return rssGrowthOf(() => run[rssTask](records));
  const written = {};
  for (const name of IMPLEMENTATIONS) {
    const kinesisRecords = [];
    if (name === REFERENCE) await referenceProduce(records, acknowledgingClient(kinesisRecords));
    else
      await produce(newProducer(kinesisRecords, name === OURS_MIB ? MIB_AGGREGATES : {}), records);
    written[name] = kinesisRecords;
  }
  const tasks = Object.fromEntries(
    IMPLEMENTATIONS.map((name) => [name, onFreshRecords(records, run[name])]),
  );
  // Made and awaited untimed, as Lambda's init phase makes it (`await producer.ready()`).
  let first;
  let firstRecords;
  tasks[OURS_FIRST] = {
    beforeEach: async () => {
      firstRecords = freshCopyOf(records);
      first = newProducer();
      await first.ready();
    },
    fn: () => produce(first, firstRecords),
  };
  if (MEASURING_MEMORY) {
    const memory = {};
    for (const name of IMPLEMENTATIONS) memory[name] = (await memoryOf(tasks[name])).allocated;
    const putPayloadUnits = (kinesisRecords) =>
      kinesisRecords.reduce(
        (units, { data, partitionKey }) =>
          units +
          Math.ceil((data.length + Buffer.byteLength(partitionKey)) / PUT_PAYLOAD_UNIT_BYTES),
        0,
      );
    const wrote = Object.fromEntries(
      IMPLEMENTATIONS.map((name) => [
        name,
        {
          kinesisRecords: written[name].length,
          putPayloadUnits: putPayloadUnits(written[name]),
          offTheirShard: userRecordsOffTheirShard(written[name]),
        },
      ]),
    );
    return { userRecords: records.length, memory, wrote };
  }
  // The MD5s a shard-aware producer cannot skip: one of every aggregate (the reference makes them
  // too) and one of every distinct partition key, to know its shard (the reference does not),
  // each the cheapest way Node has; the aggregates as the default options make them.
  const oursWritten = written[OURS];
  const aggregateBodies = oursWritten.map(({ data }) => data.subarray(4, data.length - 16));
  const knownKeys = new Set(records.map((record) => record.partitionKey));
  const distinctKeys = [...knownKeys];
  const aggregateSizes = oursWritten.map(({ data }) => data.length);
  const datas = records.map(({ data }) => data);
  // Five rounds of at least three runs: each size takes processes of its own.
  const ms = await medianMilliseconds(
    {
      ...tasks,
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
    },
    { rounds: 5, time: 200, iterations: 3 },
  );
  const [aggregatesMd5Ms, keysMd5Ms, copyMs, keyLookupMs, everyKeyMd5Ms] = ms.slice(
    IMPLEMENTATIONS.length,
  );
  return {
    userRecords: records.length,
    distinctKeys: distinctKeys.length,
    ms: Object.fromEntries(IMPLEMENTATIONS.map((name, i) => [name, ms[i]])),
    floorMs: aggregatesMd5Ms + keysMd5Ms + copyMs,
    // Noise aside, the MD5 of every record's key is never less than that of the distinct ones.
    secondFloorMs:
      aggregatesMd5Ms +
      copyMs +
      Math.max(keysMd5Ms, Math.min(keysMd5Ms + keyLookupMs, everyKeyMd5Ms)),
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

const waysCases = Object.fromEntries(
  Object.entries(cases).filter(([name]) => name.startsWith(WAYS)),
);
const comparedCases = Object.fromEntries(
  Object.entries(cases).filter(([name]) => !name.startsWith(WAYS)),
);
const child = runsOneCase();
const waysRuns =
  child === undefined || child.startsWith(WAYS)
    ? await runCasesInProcesses(waysCases, import.meta.url, 3)
    : undefined;
const runs =
  child === undefined || !child.startsWith(WAYS)
    ? await runCasesAtLambdaSizes(comparedCases, import.meta.url, 2, {
        rssTasksOf: () => [OURS, REFERENCE],
      })
    : undefined;
if (waysRuns !== undefined) {
  const lines = [
    '| case | how | median time | records/s | x the first | memory allocated per run |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, caseRuns] of waysRuns) {
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
  const { settings } = runs;
  const at = FLOOR_SETTING;
  const lines = [
    `| case | implementation | ${settings.map((label) => `${label}: median time, x aws-kinesis-agg`).join(' | ')} | x floor, ${at} | x second floor, ${at} | Kinesis records | PUT payload units | user records off their shard | memory allocated per run | peak RSS growth, first run |`,
    `| --- | --- |${' --- |'.repeat(settings.length)} --- | --- | --- | --- | --- | --- | --- |`,
  ];
  let processes = 0;
  for (const [name, bySetting] of runs.times) {
    const { memory, wrote, rss } = runs.memory.get(name);
    const median = (label, of) => medianOf(bySetting.get(label).map(of));
    const cell = (label, implementation) => {
      processes = bySetting.get(label).length;
      const ms = median(label, (run) => run.ms[implementation]);
      const ratio = median(label, (run) => run.ms[REFERENCE]) / ms;
      return implementation === REFERENCE
        ? `${ms.toFixed(1)} ms`
        : `${ms.toFixed(1)} ms, ${ratio.toFixed(2)}x`;
    };
    for (const implementation of IMPLEMENTATIONS) {
      const ms = median(at, (run) => run.ms[implementation]);
      const ours = implementation !== REFERENCE;
      const { kinesisRecords, putPayloadUnits, offTheirShard } = wrote[implementation];
      lines.push(
        `| ${name} | ${implementation} | ${settings.map((label) => cell(label, implementation)).join(' | ')} | ${ours ? `${(ms / median(at, (run) => run.floorMs)).toFixed(2)}x` : ''} | ${ours ? `${(ms / median(at, (run) => run.secondFloorMs)).toFixed(2)}x` : ''} | ${kinesisRecords} | ${putPayloadUnits} | ${offTheirShard.toLocaleString('en-US')} | ${kilobytes(memory[implementation])} | ${rssCell(rss, implementation)} |`,
      );
    }
    const floorCells = (of) =>
      settings.map((label) => `${median(label, of).toFixed(1)} ms`).join(' | ');
    const { distinctKeys } = bySetting.get(at)[0];
    lines.push(
      `| ${name} | floor: MD5 of the aggregates and of ${distinctKeys.toLocaleString('en-US')} distinct keys, one copy of the data | ${floorCells((run) => run.floorMs)} | | | | | | | |`,
      `| ${name} | second floor: the floor, and each record's key recognised (looked up among the distinct keys, or the MD5 of every record's key, whichever is cheaper) | ${floorCells((run) => run.secondFloorMs)} | | | | | | | |`,
    );
  }
  const table = lines.join('\n');
  console.log(`Node ${process.version}; medians of ${processes} process(es) per case and setting`);
  console.log(table);
  updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'producer', table);
}
