// What orderedGroupsPerShard costs in aggregation against the default mode: user records per
// Kinesis record, PUT payload units and time, for 100-byte records with 1,000 keys and with 8,
// flushed once at the end (a long-lived producer) or every 500 records (a Lambda function that
// flushes each batch it writes). The default options otherwise (aggregates of up to 51,200 bytes),
// 4 shards, the in-memory client of inMemoryKinesis.mjs, the rate limiter off (that client takes
// any rate). Each case runs in processes of its own (see runCasesInProcesses).
// Run with `npm run bench`, or alone: node --expose-gc packages/producer/bench/orderedGroups.bench.mjs
import { KinesisProducer } from '@kpl-lambda/producer';
import {
  medianMilliseconds,
  medianOf,
  onFreshRecords,
  QUICK,
  runCasesInProcesses,
  updateResults,
} from '../../../scripts/bench.mjs';
import { acknowledgingClient } from './inMemoryKinesis.mjs';

const COUNT = QUICK ? 10_000 : 100_000;
const MODES = { default: undefined, 'orderedGroupsPerShard 4': 4, 'orderedGroupsPerShard 10': 10 };

const userRecords = (keys) =>
  Array.from({ length: COUNT }, (_, i) => ({
    partitionKey: `partition-key-${i % keys}`,
    data: Buffer.alloc(100, i % 256),
  }));

const newProducer = (orderedGroupsPerShard) =>
  new KinesisProducer({
    client: acknowledgingClient(),
    streamName: 'bench',
    orderedGroupsPerShard,
    maxBufferedRecords: Number.POSITIVE_INFINITY,
    maxBufferedBytes: Number.POSITIVE_INFINITY,
    rateLimit: Number.POSITIVE_INFINITY,
  });

/** Puts the records, flushing after each `flushEvery` of them and at the end. */
async function produce(producer, records, flushEvery) {
  for (let i = 0; i < records.length; i++) {
    producer.put(records[i]);
    if ((i + 1) % flushEvery === 0) await producer.flush();
  }
  await producer.flush();
}

/** One process's run of a case: what each mode wrote, and its median time. */
async function compare(keys, flushEvery) {
  const records = userRecords(keys);
  const names = Object.keys(MODES);
  const written = [];
  for (const name of names) {
    const producer = newProducer(MODES[name]);
    await produce(producer, records, flushEvery);
    const { kinesisRecordsWritten, putPayloadUnits } = producer.counters;
    written.push({ kinesisRecords: kinesisRecordsWritten, putPayloadUnits });
  }
  // One producer per mode serves every timed run, as a Lambda's module-scope producer does.
  const producers = names.map((name) => newProducer(MODES[name]));
  const ms = await medianMilliseconds(
    Object.fromEntries(
      names.map((name, i) => [
        name,
        onFreshRecords(records, (fresh) => produce(producers[i], fresh, flushEvery)),
      ]),
    ),
  );
  return { names, written, ms };
}

const LABEL = `${COUNT.toLocaleString('en-US')} x 100 B`;
const cases = {
  [`${LABEL}, 1,000 keys, one flush`]: () => compare(1_000, Number.POSITIVE_INFINITY),
  [`${LABEL}, 1,000 keys, a flush every 500`]: () => compare(1_000, 500),
  [`${LABEL}, 8 keys, one flush`]: () => compare(8, Number.POSITIVE_INFINITY),
  [`${LABEL}, 8 keys, a flush every 500`]: () => compare(8, 500),
};

const runs = await runCasesInProcesses(cases, import.meta.url, 3);
if (runs !== undefined) {
  const lines = [
    '| case | mode | user records per Kinesis record | Kinesis records | PUT payload units | median time | x the default |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, caseRuns] of runs) {
    const { names, written } = caseRuns[0];
    const msOf = names.map((_, i) => medianOf(caseRuns.map((run) => run.ms[i])));
    names.forEach((mode, i) => {
      const { kinesisRecords, putPayloadUnits } = written[i];
      lines.push(
        `| ${name} | ${mode} | ${(COUNT / kinesisRecords).toFixed(1)} | ${kinesisRecords.toLocaleString('en-US')} | ${putPayloadUnits.toLocaleString('en-US')} | ${msOf[i].toFixed(1)} ms | ${(msOf[i] / msOf[0]).toFixed(2)}x |`,
      );
    });
  }
  const table = lines.join('\n');
  console.log(
    `Node ${process.version}; medians of ${runs.values().next().value.length} process(es) per case`,
  );
  console.log(table);
  updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'producer-ordered-groups', table);
}
