// A hot key against Kinesis's per-shard write limits: a 4-shard local Kinesis that refuses, as
// Kinesis does, what goes past 1 MiB and 1,000 records a second per shard, and a load where one
// partition key carries half the user records. The producer with its rate limit off (as it was
// before it had one), at the KPL's default (150%), and at 100%: how many requests and Kinesis
// records were throttled, and how many user records a second were written.
// Run with `npm run bench`, or alone: node --expose-gc packages/producer/bench/hotShard.bench.mjs
import { startLocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { KinesisProducer } from '@kpl-lambda/producer';
import { QUICK, updateResults } from '../../../scripts/bench.mjs';

const LOAD_MS = QUICK ? 3_000 : 10_000;
/** User records offered a second: the hot shard is asked about twice what Kinesis takes. */
const OFFERED_PER_SECOND = 30_000;
const TICK_MS = 10;
const data = Buffer.alloc(100, 7);

/** One run: the load for LOAD_MS, then a flush; what the local Kinesis and the producer counted. */
async function run(rateLimit) {
  const kinesis = await startLocalKinesis({
    shardWriteLimits: { bytesPerSecond: 1_048_576, recordsPerSecond: 1_000 },
  });
  try {
    await kinesis.createStream('orders', 4);
    let throttledCalls = 0;
    kinesis.client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        if ((result.output?.FailedRecordCount ?? 0) > 0) throttledCalls++;
        return result;
      },
      { step: 'initialize', name: 'throttledCalls' },
    );
    const producer = new KinesisProducer({
      client: kinesis.client,
      streamName: 'orders',
      rateLimit,
    });
    const started = Date.now();
    let offered = 0;
    for (let tick = 0; Date.now() - started < LOAD_MS; tick++) {
      const due = Math.round(((tick + 1) * TICK_MS * OFFERED_PER_SECOND) / 1000);
      for (; offered < due; offered++) {
        const partitionKey = offered % 2 === 0 ? 'hot' : `customer-${offered % 5_000}`;
        if (!producer.put({ partitionKey, data })) await producer.whenWritable();
      }
      const wait = started + (tick + 1) * TICK_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const loadSeconds = (Date.now() - started) / 1000;
    const writtenDuringLoad = producer.counters.userRecordsWritten;
    const { undeliverable } = await producer.flush();
    const { metrics } = producer;
    return {
      offeredPerSecond: offered / loadSeconds,
      writtenPerSecondDuringLoad: writtenDuringLoad / loadSeconds,
      written: metrics.userRecordsWritten,
      secondsToWriteAll: (Date.now() - started) / 1000,
      putRecordsRequests: metrics.putRecordsRequests,
      throttledCalls,
      throttledKinesisRecords: kinesis.throttledRecords,
      kinesisRecordsWritten: metrics.kinesisRecordsWritten,
      rateLimited: metrics.rateLimitedKinesisRecords,
      givenUp: undeliverable.length,
    };
  } finally {
    await kinesis.stop();
  }
}

const producers = [
  ['rate limit off (as before)', Number.POSITIVE_INFINITY],
  ['rateLimit 150 (default, as the KPL)', 150],
  ['rateLimit 100', 100],
];
const lines = [
  '| producer | user records offered/s | written/s during the load | time to write all | PutRecords calls | calls with a throttled entry | Kinesis records throttled | Kinesis records written | held for the rate limit | given up |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
const count = (n) => Math.round(n).toLocaleString('en-US');
for (const [name, rateLimit] of producers) {
  const r = await run(rateLimit);
  lines.push(
    `| ${name} | ${count(r.offeredPerSecond)} | ${count(r.writtenPerSecondDuringLoad)} | ${r.secondsToWriteAll.toFixed(1)} s | ${count(r.putRecordsRequests)} | ${count(r.throttledCalls)} | ${count(r.throttledKinesisRecords)} | ${count(r.kinesisRecordsWritten)} | ${count(r.rateLimited)} | ${count(r.givenUp)} |`,
  );
}
const table = lines.join('\n');
console.log(`Node ${process.version}; ${LOAD_MS / 1000} s of load, then a flush`);
console.log(table);
updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'producer-hot-shard', table);
