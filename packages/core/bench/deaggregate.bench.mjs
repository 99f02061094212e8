// Deaggregation and aggregation throughput of @kpl-lambda/core against aws-kinesis-agg, on the
// same generated Lambda events, MD5 verification on, Lambda-shaped output. Each case runs in
// processes of its own (see runCasesInProcesses), both implementations taking turns in each; the
// median of the processes is reported, with the range of the ratio.
// Run with `npm run bench` (it builds first): this measures the published build.
import { createHash } from 'node:crypto';
import { aggregate, deaggregateRecords } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import awsKinesisAgg from 'aws-kinesis-agg';
import { medianMilliseconds, medianOf, runCasesInProcesses } from '../../../scripts/bench.mjs';

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

const PROCESSES_PER_CASE = 5;

/** Median milliseconds of both implementations on one input, and what the table reports. */
async function compare(units, bytes, ours, reference) {
  const [oursMs, referenceMs] = await medianMilliseconds({
    'kpl-lambda': ours,
    'aws-kinesis-agg': reference,
  });
  return { units, bytes, oursMs, referenceMs };
}

async function compareDeaggregation(event) {
  const ours = deaggregateRecords(event.Records);
  const reference = referenceDeaggregateRecords(event.Records);
  if (
    ours.length !== reference.length ||
    ours.some((r, i) => r.kinesis.data !== reference[i].kinesis.data)
  ) {
    throw new Error('the two implementations disagree');
  }
  const bytes = event.Records.reduce(
    (sum, record) => sum + Buffer.byteLength(record.kinesis.data, 'base64'),
    0,
  );
  return compare(
    ours.length,
    bytes,
    () => deaggregateRecords(event.Records),
    () => referenceDeaggregateRecords(event.Records),
  );
}

async function compareAggregation(toAggregate) {
  const oursAggregated = aggregate(toAggregate);
  if (oursAggregated.length !== referenceAggregate(toAggregate).length) {
    throw new Error('the two implementations make a different number of aggregates');
  }
  const dataBytes = toAggregate.reduce((sum, { data }) => sum + data.length, 0);
  const result = await compare(
    toAggregate.length,
    dataBytes,
    () => aggregate(toAggregate),
    () => referenceAggregate(toAggregate),
  );
  // What no aggregator can skip: the MD5 of every aggregate (Node's crypto, as both use) and one
  // copy of the user records' data into the aggregates. It bounds the ratio that can be reached.
  const bodies = oursAggregated.map(({ data }) => data.subarray(4, data.length - 16));
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
  return { ...result, md5Ms, copyMs };
}

const cases = {
  'full Lambda batch: 20 aggregates x 1,000 x 200 B': () =>
    compareDeaggregation(lambdaEvent(20, 1000, 200)),
  'many small: 100 aggregates x 10 x 100 B': () => compareDeaggregation(lambdaEvent(100, 10, 100)),
  'large user records: 5 aggregates x 50 x 20 KB': () =>
    compareDeaggregation(lambdaEvent(5, 50, 20_000)),
  'aggregation: 20,000 x 200 B into 1 MiB': () => compareAggregation(userRecords(20_000, 200)),
};

const ms = (value) => `${value.toFixed(2)} ms`;

const runs = await runCasesInProcesses(cases, import.meta.url, PROCESSES_PER_CASE);
if (runs !== undefined) {
  const rows = [];
  const notes = [];
  for (const [name, caseRuns] of runs) {
    const { units, bytes } = caseRuns[0];
    const oursMs = medianOf(caseRuns.map((run) => run.oursMs));
    const referenceMs = medianOf(caseRuns.map((run) => run.referenceMs));
    const ratios = caseRuns.map((run) => run.referenceMs / run.oursMs);
    const row = (implementation, runMs) => ({
      case: name,
      implementation,
      'records/s': Math.round((units * 1000) / runMs).toLocaleString('en-US'),
      'MB/s': ((bytes * 1000) / runMs / 1e6).toFixed(1),
    });
    rows.push(row('kpl-lambda', oursMs), row('aws-kinesis-agg', referenceMs), {
      case: name,
      implementation: 'ratio',
      'records/s': `${(referenceMs / oursMs).toFixed(2)}x`,
      'MB/s': `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x`,
    });
    if (caseRuns[0].md5Ms !== undefined) {
      const floorMs =
        medianOf(caseRuns.map((run) => run.md5Ms)) + medianOf(caseRuns.map((run) => run.copyMs));
      const leftAtTwiceMs = referenceMs / 2 - floorMs;
      notes.push(
        `${name}: what no aggregator can skip, MD5 of the aggregates and one copy of the data, ` +
          `takes ${ms(floorMs)}. At 2x, ${ms(leftAtTwiceMs)} (${Math.round((leftAtTwiceMs * 1e6) / units)} ns ` +
          `per user record) would be left for the protobuf encoding, key tables and sizes; ` +
          `kpl-lambda spends ${ms(oursMs - floorMs)} on them.`,
      );
    }
  }
  console.log(
    `Node ${process.version}, ${new Date().toISOString()}; medians of ${PROCESSES_PER_CASE} processes per case, ratio range in the MB/s column`,
  );
  console.table(rows);
  for (const note of notes) console.log(note);
}
