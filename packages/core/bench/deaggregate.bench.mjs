// Deaggregation and aggregation by @kpl-lambda/core against aws-kinesis-agg, as each one's users
// consume it: aws-kinesis-agg's own user records (`deaggregateSync`, MD5 on), ours as Lambda
// records (which carry more: every envelope field) and as bytes from SDK records. Each task reads
// every user record's data and hands back the whole batch. Beside them, in the same run, the
// floor of each (what no implementation of that output can skip), and the output's own floor (the
// floor plus each user record's objects and partition key). Each case runs in processes of its
// own, the tasks taking turns in each (scripts/bench.mjs); medians over the processes, with the
// memory one call allocates and keeps, and the implementations' peak RSS in processes of their own.
// Run with `npm run bench` (it builds first; `-- --quick` for a short run).
import { hash } from 'node:crypto';
import {
  aggregate,
  deaggregateRecords,
  deaggregateSdkRecords,
  userRecordJson,
} from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import awsKinesisAgg from 'aws-kinesis-agg';
import {
  copyIntoBuffersOf,
  FLOOR_SETTING,
  kilobytes,
  MEASURING_MEMORY,
  medianMilliseconds,
  medianOf,
  memoryOf,
  onFreshRecords,
  rssCell,
  rssGrowthOf,
  rssTask,
  runCasesAtLambdaSizes,
  updateResults,
} from '../../../scripts/bench.mjs';

const userRecords = (count, bytes, offset = 0) =>
  Array.from({ length: count }, (_, i) => ({
    partitionKey: `partition-key-${(offset + i) % 1000}`,
    data: JSON.stringify({ n: offset + i, pad: 'x'.repeat(Math.max(0, bytes - 20)) }),
  }));

const lambdaEvent = (aggregates, perAggregate, bytes) =>
  kinesisStreamEvent(
    Array.from({ length: aggregates }, (_, i) =>
      aggregatedRecord(userRecords(perAggregate, bytes, i * perAggregate)),
    ),
  );

/** The event's records as GetRecords gives them to an SDK consumer: data as bytes. */
const sdkRecordsOf = (event) =>
  event.Records.map(({ kinesis }) => ({
    Data: Buffer.from(kinesis.data, 'base64'),
    PartitionKey: kinesis.partitionKey,
    SequenceNumber: kinesis.sequenceNumber,
  }));

/** Every task reads each user record's data; what it read is summed here, so none is skipped. */
export let bytesRead = 0;
const read = (userRecords, dataOf) => {
  for (const userRecord of userRecords) bytesRead += dataOf(userRecord).length;
  return userRecords;
};

/**
 * Each task returns what it hands to a handler, all of the batch held at once (as a batch
 * handler, Powertools' processor or a middleware holds it), so that memory compares like with
 * like. One event serves every run: nothing in it is looked up by text, and a fresh copy per run
 * measured the same (14.36 against 14.59 ms for a full batch, 0.65 against 0.64 ms for many small
 * aggregates; see `onFreshRecords` for the aggregation, where it is not so).
 */
const deaggregationTasks = (event) => {
  const sdkRecords = sdkRecordsOf(event);
  // Where each user record's bytes are in its parent, for the floors (taken outside the runs).
  const spans = sdkRecords.map(({ Data }, i) =>
    deaggregateSdkRecords([sdkRecords[i]]).map(({ data }) => [
      data.byteOffset - Data.byteOffset,
      data.length,
    ]),
  );
  // Per parent, where each distinct partition key's UTF-8 is in it (its table), and which of them
  // each user record has; found outside the runs. The floors with objects decode each key once
  // per parent, as any deaggregator must, but skip the protobuf that says where they are.
  const keyTables = sdkRecords.map((record) => {
    const keys = deaggregateSdkRecords([record]).map(({ partitionKey }) => partitionKey);
    const table = [...new Set(keys)];
    return {
      spans: table.map((key) => {
        const bytes = Buffer.from(key);
        const start = record.Data.indexOf(bytes);
        return [start, start + bytes.length];
      }),
      indexes: keys.map((key) => table.indexOf(key)),
    };
  });
  const partitionKeysOf = (parent, i) => {
    const { spans: keySpans, indexes } = keyTables[i];
    const table = keySpans.map(([start, end]) => parent.toString('utf8', start, end));
    return indexes.map((index) => table[index]);
  };
  // The cheapest MD5 Node has: one call.
  const md5 = (parent) => hash('md5', parent.subarray(4, parent.length - 16), 'buffer');
  return {
    'aws-kinesis-agg deaggregateSync': () => {
      const out = [];
      for (const record of event.Records) {
        awsKinesisAgg.deaggregateSync(record.kinesis, true, (error, users) => {
          if (error) throw error;
          out.push(...read(users, (user) => user.data));
        });
      }
      return out;
    },
    'kpl-lambda deaggregateRecords (Lambda records)': () =>
      read(deaggregateRecords(event.Records), (record) => record.kinesis.data),
    'floor of Lambda records: base64 decode, MD5, base64 encode': () => {
      const out = [];
      for (let i = 0; i < event.Records.length; i++) {
        const parent = Buffer.from(event.Records[i].kinesis.data, 'base64');
        md5(parent);
        for (const [offset, length] of spans[i]) {
          out.push(parent.toString('base64', offset, offset + length));
        }
      }
      return read(out, (data) => data);
    },
    // Any Lambda-shaped output is these two objects per user record: this floor shows how far
    // the one above can be reached at all.
    "floor of Lambda records, with each user record's two objects and partition key": () => {
      const out = [];
      for (let i = 0; i < event.Records.length; i++) {
        const record = event.Records[i];
        const { kinesis } = record;
        const parent = Buffer.from(kinesis.data, 'base64');
        md5(parent);
        const partitionKeys = partitionKeysOf(parent, i);
        for (const [j, [offset, length]] of spans[i].entries()) {
          out.push({
            kinesis: {
              kinesisSchemaVersion: kinesis.kinesisSchemaVersion,
              partitionKey: partitionKeys[j],
              sequenceNumber: kinesis.sequenceNumber,
              data: parent.toString('base64', offset, offset + length),
              approximateArrivalTimestamp: kinesis.approximateArrivalTimestamp,
              subSequenceNumber: j,
              aggregated: true,
            },
            eventSource: record.eventSource,
            eventVersion: record.eventVersion,
            eventID: record.eventID,
            eventName: record.eventName,
            invokeIdentityArn: record.invokeIdentityArn,
            awsRegion: record.awsRegion,
            eventSourceARN: record.eventSourceARN,
          });
        }
      }
      return read(out, (userRecord) => userRecord.kinesis.data);
    },
    'kpl-lambda deaggregateSdkRecords (bytes)': () =>
      read(deaggregateSdkRecords(sdkRecords), (record) => record.data),
    'floor of bytes: MD5, a view of each user record': () => {
      const out = [];
      for (let i = 0; i < sdkRecords.length; i++) {
        const parent = sdkRecords[i].Data;
        md5(parent);
        for (const [offset, length] of spans[i]) out.push(parent.subarray(offset, offset + length));
      }
      return read(out, (data) => data);
    },
    "floor of bytes, with each user record's object and partition key": () => {
      const out = [];
      for (let i = 0; i < sdkRecords.length; i++) {
        const { Data: parent, SequenceNumber: sequenceNumber } = sdkRecords[i];
        md5(parent);
        const partitionKeys = partitionKeysOf(parent, i);
        for (const [j, [offset, length]] of spans[i].entries()) {
          out.push({
            partitionKey: partitionKeys[j],
            data: parent.subarray(offset, offset + length),
            subSequenceNumber: j,
            aggregated: true,
            sequenceNumber,
          });
        }
      }
      return read(out, (userRecord) => userRecord.data);
    },
    'handler: JSON of each user record, through base64': () =>
      deaggregateRecords(event.Records).map(
        (record) => JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')).n,
      ),
    'handler: JSON of each user record, userRecordJson': () =>
      deaggregateRecords(event.Records).map((record) => userRecordJson(record).n),
  };
};

function referenceAggregate(records) {
  const out = [];
  new awsKinesisAgg.RecordAggregator().aggregateRecords(records, true, (error, encoded) => {
    if (error) throw error;
    out.push(encoded);
  });
  return out;
}

const aggregationTasks = (records) => {
  const aggregates = aggregate(records).map(({ data }) => data);
  const bodies = aggregates.map((data) => data.subarray(4, data.length - 16));
  const aggregateSizes = aggregates.map((data) => data.length);
  const datas = records.map(({ data }) => data);
  return {
    'aws-kinesis-agg RecordAggregator': onFreshRecords(records, referenceAggregate),
    'kpl-lambda aggregate': onFreshRecords(records, aggregate),
    'floor: MD5 of the aggregates, one copy of the data': () => {
      for (const body of bodies) hash('md5', body, 'buffer');
      return copyIntoBuffersOf(aggregateSizes, datas);
    },
  };
};

/**
 * One process's run of a case: every task's median time at the process's young generation, or,
 * in the process that measures memory, every task's memory per call.
 */
async function measure(tasks, userRecordCount) {
  if (rssTask !== undefined) return rssGrowthOf(tasks[rssTask]);
  const names = Object.keys(tasks);
  if (!MEASURING_MEMORY) {
    // Five rounds: each size takes processes of its own.
    return {
      userRecordCount,
      names,
      ms: await medianMilliseconds(tasks, { rounds: 5, time: 200 }),
    };
  }
  const memory = [];
  for (const name of names) memory.push(await memoryOf(tasks[name]));
  return { userRecordCount, names, memory };
}

const deaggregationCase = (aggregates, perAggregate, bytes) => () =>
  measure(
    deaggregationTasks(lambdaEvent(aggregates, perAggregate, bytes)),
    aggregates * perAggregate,
  );

const cases = {
  'full Lambda batch: 20 aggregates x 1,000 x 200 B': deaggregationCase(20, 1000, 200),
  'many small: 100 aggregates x 10 x 100 B': deaggregationCase(100, 10, 100),
  'large user records: 5 aggregates x 50 x 20 KB': deaggregationCase(5, 50, 20_000),
  'aggregation: 20,000 x 200 B into 1 MiB': () =>
    // Bytes: aws-kinesis-agg turns string data into Buffers in place.
    measure(
      aggregationTasks(userRecords(20_000, 200).map((r) => ({ ...r, data: Buffer.from(r.data) }))),
      20_000,
    ),
};

/** What a task is compared with: ours with the anchor, the helper with the base64 handler. */
const comparedWith = (task, names) =>
  task.startsWith('kpl-lambda')
    ? names.find((name) => name.startsWith('aws-kinesis-agg'))
    : task.includes('userRecordJson')
      ? names.find((name) => name.includes('through base64'))
      : undefined;
/**
 * The floor of a task of ours (of bytes for the bytes path, the other one otherwise), and of a
 * floor with objects: the floor without them, to show how much of it any output must take.
 */
const floorOf = (task, names) =>
  task.startsWith('kpl-lambda') || task.includes(', with ')
    ? names.find(
        (name) =>
          name.startsWith('floor') &&
          !name.includes(', with ') &&
          name.includes('bytes') === task.includes('bytes'),
      )
    : undefined;

/** Peak RSS is measured for the implementations, ours and the anchor's, not for the floors. */
const rssTasksOf = (name) =>
  name.startsWith('aggregation')
    ? ['aws-kinesis-agg RecordAggregator', 'kpl-lambda aggregate']
    : [
        'aws-kinesis-agg deaggregateSync',
        'kpl-lambda deaggregateRecords (Lambda records)',
        'kpl-lambda deaggregateSdkRecords (bytes)',
      ];

const runs = await runCasesAtLambdaSizes(cases, import.meta.url, 3, { rssTasksOf });
if (runs !== undefined) {
  const { settings } = runs;
  const lines = [
    `| case | implementation | ${settings.map((label) => `${label}: median time, faster than`).join(' | ')} | x its floor, ${FLOOR_SETTING} | memory allocated / retained per call | peak RSS growth, first call |`,
    `| --- | --- |${' --- |'.repeat(settings.length)} --- | --- | --- |`,
  ];
  let processes = 0;
  for (const [name, bySetting] of runs.times) {
    const { names, memory } = runs.memory.get(name);
    const cellsOf = (task) =>
      settings.map((label) => {
        const caseRuns = bySetting.get(label);
        processes = caseRuns.length;
        const msOf = (of) => medianOf(caseRuns.map((run) => run.ms[names.indexOf(of)]));
        const ms = msOf(task);
        const other = comparedWith(task, names);
        const by =
          other === undefined
            ? ''
            : other.startsWith('handler:')
              ? 'through base64'
              : other.split(' ')[0];
        return other === undefined
          ? `${ms.toFixed(2)} ms`
          : `${ms.toFixed(2)} ms, ${(msOf(other) / ms).toFixed(2)}x ${by}`;
      });
    const floorAt = bySetting.get(FLOOR_SETTING);
    for (const [i, task] of names.entries()) {
      const floor = floorOf(task, names);
      const msAt = (of) => medianOf(floorAt.map((run) => run.ms[names.indexOf(of)]));
      const { allocated, retained } = memory[i];
      const cells = [
        name,
        task,
        ...cellsOf(task),
        floor ? `${(msAt(task) / msAt(floor)).toFixed(2)}x` : '',
        `${kilobytes(allocated)} / ${kilobytes(retained)}`,
        rssCell(runs.memory.get(name).rss, task),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  const table = lines.join('\n');
  console.log(`Node ${process.version}; medians of ${processes} process(es) per case and setting`);
  console.log(table);
  updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'deaggregate', table);
}
