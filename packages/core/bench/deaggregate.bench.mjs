// Deaggregation and aggregation throughput of @kpl-lambda/core against aws-kinesis-agg, in one
// process, on the same generated Lambda events, MD5 verification on, Lambda-shaped output.
// Run with `npm run bench` (it builds first): this measures the published build.
import { createHash } from 'node:crypto';
import { aggregate, deaggregateRecords } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import awsKinesisAgg from 'aws-kinesis-agg';
import { medianMilliseconds } from '../../../scripts/bench.mjs';

const userRecords = (count, bytes, offset = 0) =>
  Array.from({ length: count }, (_, i) => ({
    partitionKey: `partition-key-${(offset + i) % 1000}`,
    data: Buffer.alloc(bytes, (offset + i) % 256),
  }));

const lambdaEvent = (aggregates, perAggregate, bytes) =>
  kinesisStreamEvent(
    Array.from({ length: aggregates }, (_, i) =>
      aggregatedRecord(userRecords(perAggregate, bytes, i * perAggregate)),
    ),
  );

/** aws-kinesis-agg's synchronous deaggregation, mapped to the same Lambda record shape as ours. */
function referenceDeaggregateRecords(records) {
  const out = [];
  for (const record of records) {
    awsKinesisAgg.deaggregateSync(record.kinesis, true, (error, users) => {
      if (error) throw error;
      for (const user of users) {
        out.push({
          ...record,
          kinesis: {
            ...record.kinesis,
            partitionKey: user.partitionKey,
            data: user.data,
            subSequenceNumber: user.subSequenceNumber,
            explicitHashKey: user.explicitPartitionKey,
          },
        });
      }
    });
  }
  return out;
}

function referenceAggregate(records) {
  const out = [];
  new awsKinesisAgg.RecordAggregator().aggregateRecords(records, true, (error, encoded) => {
    if (error) throw error;
    out.push(encoded);
  });
  return out;
}

const deaggregationCases = [
  ['full Lambda batch: 20 aggregates x 1,000 x 200 B', lambdaEvent(20, 1000, 200)],
  ['many small: 100 aggregates x 10 x 100 B', lambdaEvent(100, 10, 100)],
  ['large user records: 5 aggregates x 50 x 20 KB', lambdaEvent(5, 50, 20_000)],
];
const toAggregate = userRecords(20_000, 200);

const rows = [];
async function compare(name, units, bytes, ours, reference) {
  const [oursMs, referenceMs] = await medianMilliseconds({
    'kpl-lambda': ours,
    'aws-kinesis-agg': reference,
  });
  const [oursHz, referenceHz] = [1000 / oursMs, 1000 / referenceMs];
  const row = (who, hz) => ({
    case: name,
    implementation: who,
    'records/s': Math.round(hz * units).toLocaleString('en-US'),
    'MB/s': ((hz * bytes) / 1e6).toFixed(1),
  });
  rows.push(row('kpl-lambda', oursHz), row('aws-kinesis-agg', referenceHz));
  rows.push({
    case: name,
    implementation: 'ratio',
    'records/s': `${(oursHz / referenceHz).toFixed(2)}x`,
  });
  return { oursMs, referenceMs };
}

for (const [name, event] of deaggregationCases) {
  const ours = deaggregateRecords(event.Records);
  const reference = referenceDeaggregateRecords(event.Records);
  if (
    ours.length !== reference.length ||
    ours.some((r, i) => r.kinesis.data !== reference[i].kinesis.data)
  ) {
    throw new Error(`${name}: the two implementations disagree`);
  }
  const bytes = event.Records.reduce(
    (sum, record) => sum + Buffer.byteLength(record.kinesis.data, 'base64'),
    0,
  );
  await compare(
    name,
    ours.length,
    bytes,
    () => deaggregateRecords(event.Records),
    () => referenceDeaggregateRecords(event.Records),
  );
}

const oursAggregated = aggregate(toAggregate);
const referenceAggregated = referenceAggregate(toAggregate);
console.log(
  `aggregation of 20,000 x 200 B: kpl-lambda ${oursAggregated.length} records, aws-kinesis-agg ${referenceAggregated.length} records`,
);
const aggregation = await compare(
  'aggregation: 20,000 x 200 B into 1 MiB',
  toAggregate.length,
  toAggregate.length * 200,
  () => aggregate(toAggregate),
  () => referenceAggregate(toAggregate),
);

// What no aggregator can skip: the MD5 of every aggregate (Node's crypto, as both use) and one
// copy of the user records' data into the aggregates. It bounds the ratio that can be reached.
const bodies = oursAggregated.map(({ data }) => data.subarray(4, data.length - 16));
const dataBytes = toAggregate.reduce((sum, { data }) => sum + data.length, 0);
const [md5Ms, copyMs] = await medianMilliseconds({
  md5: () => {
    for (const body of bodies) createHash('md5').update(body).digest();
  },
  copy: () => {
    const into = Buffer.allocUnsafe(dataBytes);
    let at = 0;
    for (const { data } of toAggregate) {
      into.set(data, at);
      at += data.length;
    }
  },
});

console.log(`Node ${process.version}, ${new Date().toISOString()}`);
console.table(rows);
const ms = (value) => `${value.toFixed(2)} ms`;
const floorMs = md5Ms + copyMs;
const leftAtTwiceMs = aggregation.referenceMs / 2 - floorMs;
console.log(
  `aggregation: kpl-lambda ${ms(aggregation.oursMs)}, aws-kinesis-agg ${ms(aggregation.referenceMs)}; ` +
    `what no aggregator can skip: MD5 of the aggregates ${ms(md5Ms)} + one copy of the data ` +
    `${ms(copyMs)} = ${ms(floorMs)}. At 2x, ${ms(leftAtTwiceMs)} ` +
    `(${Math.round((leftAtTwiceMs * 1e6) / toAggregate.length)} ns per user record) would be left ` +
    `for the protobuf encoding, key tables and sizes; kpl-lambda spends ${ms(aggregation.oursMs - floorMs)}.`,
);
