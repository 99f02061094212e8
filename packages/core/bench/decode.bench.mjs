// What the adapters' `decode` option costs per user record, on the Lambda path both adapters
// run (deaggregateRecords, then decodeUserRecord): gzip of 1 KB JSON in plain records, zlib of
// 1 KB JSON inside KPL aggregates (Fluent Bit's Go plugin), and CloudWatch Logs envelopes of 10
// log events. Beside each, in the same run: the same batch without decode, the floor (what any
// decoder of that output must do: inflate, parse an envelope, base64 each record for a Lambda
// handler), and a handler that decodes by hand (`gunzipSync` and `JSON.parse` in its loop, no
// size cap). Each task reads every record's JSON and hands back the batch. Run with
// `npm run bench` (it builds first; `-- --quick` for a short run).
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import {
  deaggregateRecords,
  decodeUserRecord,
  PayloadDecoder,
  userRecordJson,
} from '@kpl-lambda/core';
import {
  aggregatedRecord,
  cloudWatchLogsData,
  kinesisStreamEvent,
  plainRecord,
} from '@kpl-lambda/core/testing';
import {
  kilobytes,
  medianMilliseconds,
  medianOf,
  memoryOf,
  runCasesInProcesses,
  updateResults,
} from '../../../scripts/bench.mjs';

/** A JSON document of about `bytes` bytes, as a log line or an order would be. */
const json = (n, bytes) =>
  JSON.stringify({ n, level: 'info', service: 'orders', pad: 'x'.repeat(Math.max(0, bytes - 60)) });

/** Reads each record's JSON, so that no task skips it; returns the records. */
const readAll = (records) => {
  for (const record of records) if (userRecordJson(record).n < 0) throw new Error('unreachable');
  return records;
};

const decodeTasks = (event, decodeOptions, byHand, floor) => {
  const decoder = new PayloadDecoder(decodeOptions);
  return {
    'deaggregateRecords, no decode': () => deaggregateRecords(event.Records),
    'deaggregateRecords + decodeUserRecord': () =>
      readAll(
        deaggregateRecords(event.Records).flatMap((record) => decodeUserRecord(record, decoder)),
      ),
    'handler decoding by hand (no cap)': () => byHand(deaggregateRecords(event.Records)),
    'floor: inflate, envelope, base64 of each record': () => floor(event),
  };
};

const bytesOf = (record) => Buffer.from(record.kinesis.data, 'base64');

const gzipJsonCase = () => {
  const event = kinesisStreamEvent(
    Array.from({ length: 1000 }, (_, n) =>
      plainRecord({ partitionKey: `k-${n % 50}`, data: gzipSync(json(n, 1024)) }),
    ),
  );
  return decodeTasks(
    event,
    { compression: 'gzip' },
    (records) => records.map((record) => JSON.parse(gunzipSync(bytesOf(record)).toString()).n),
    ({ Records }) =>
      Records.map((record) => {
        const decoded = gunzipSync(bytesOf(record));
        JSON.parse(decoded.toString());
        return decoded.toString('base64');
      }),
  );
};

const zlibInAggregatesCase = () => {
  const event = kinesisStreamEvent(
    Array.from({ length: 10 }, (_, a) =>
      aggregatedRecord(
        Array.from({ length: 100 }, (_, i) => ({
          partitionKey: `k-${i % 50}`,
          data: deflateSync(json(a * 100 + i, 1024)),
        })),
      ),
    ),
  );
  const userRecordBytes = deaggregateRecords(event.Records).map((record) => bytesOf(record));
  return decodeTasks(
    event,
    { compression: 'zlib' },
    (records) => records.map((record) => JSON.parse(inflateSync(bytesOf(record)).toString()).n),
    () =>
      userRecordBytes.map((bytes) => {
        const decoded = inflateSync(bytes);
        JSON.parse(decoded.toString());
        return decoded.toString('base64');
      }),
  );
};

const cloudWatchLogsCase = () => {
  const event = kinesisStreamEvent(
    Array.from({ length: 500 }, (_, u) =>
      plainRecord({
        partitionKey: `log-stream-${u % 20}`,
        data: cloudWatchLogsData(Array.from({ length: 10 }, (_, j) => json(u * 10 + j, 200))),
      }),
    ),
  );
  return decodeTasks(
    event,
    { envelope: 'cloudwatch-logs' },
    (records) =>
      records.flatMap((record) =>
        JSON.parse(gunzipSync(bytesOf(record)).toString()).logEvents.map(
          (logEvent) => JSON.parse(logEvent.message).n,
        ),
      ),
    ({ Records }) =>
      Records.flatMap((record) =>
        JSON.parse(gunzipSync(bytesOf(record)).toString()).logEvents.map((logEvent) => {
          JSON.parse(logEvent.message);
          return Buffer.from(logEvent.message).toString('base64');
        }),
      ),
  );
};

async function measure(tasks, userRecordCount, decodedCount) {
  const names = Object.keys(tasks);
  const times = await medianMilliseconds(tasks);
  const measured = [];
  for (const [i, name] of names.entries()) {
    measured.push({ name, ms: times[i], ...(await memoryOf(tasks[name])) });
  }
  return { userRecordCount, decodedCount, tasks: measured };
}

const cases = {
  'gzip of 1 KB JSON: 1,000 plain records': () => measure(gzipJsonCase(), 1000, 1000),
  'zlib of 1 KB JSON: 10 aggregates x 100': () => measure(zlibInAggregatesCase(), 1000, 1000),
  'CloudWatch Logs: 500 envelopes x 10 events of 200 B': () =>
    measure(cloudWatchLogsCase(), 500, 5000),
};

const runs = await runCasesInProcesses(cases, import.meta.url, 5);
if (runs !== undefined) {
  const lines = [
    '| case | task | median time | per user record | per decoded record | x no decode | memory allocated / retained per call |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  let processes = 0;
  for (const [name, caseRuns] of runs) {
    processes = caseRuns.length;
    const median = (task, field) =>
      medianOf(caseRuns.map((run) => run.tasks.find((t) => t.name === task)[field]));
    const { userRecordCount, decodedCount } = caseRuns[0];
    const baseline = median('deaggregateRecords, no decode', 'ms');
    for (const task of caseRuns[0].tasks.map((t) => t.name)) {
      const ms = median(task, 'ms');
      const cells = [
        name,
        task,
        `${ms.toFixed(2)} ms`,
        `${((ms * 1000) / userRecordCount).toFixed(1)} µs`,
        `${((ms * 1000) / decodedCount).toFixed(1)} µs`,
        task === 'deaggregateRecords, no decode' ? '' : `${(ms / baseline).toFixed(1)}x`,
        `${kilobytes(median(task, 'allocated'))} / ${kilobytes(median(task, 'retained'))}`,
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  const table = lines.join('\n');
  console.log(`Node ${process.version}; medians of ${processes} process(es) per case`);
  console.log(table);
  updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'decode', table);
}
