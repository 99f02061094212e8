// What the Powertools parser costs per user record with `innerSchema` (the base64 transformer, a
// small JSON order), on full batches of 1,000 and 20,000 user records in aggregates of 1,000:
// KplBatchProcessor with it, Powertools' own BatchProcessor with it on the same user records
// (deaggregated before, as it needs them), both without a parser, and the floor: the inner
// schema's own parse of each record's JSON. Medians of interleaved rounds; run by `npm run bench`.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { deaggregateRecords } from '@kpl-lambda/core';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import { z } from 'zod';
import { medianMilliseconds, QUICK, updateResults } from '../../../scripts/bench.mjs';
import { orderEventOf } from './orderEvent.mjs';

const Order = z.object({ orderId: z.string(), quantity: z.number().int().nonnegative() });
const config = { parser, innerSchema: Order, transformer: 'base64' };
const context = { getRemainingTimeInMillis: () => 900_000, functionName: 'bench' };
const options = { context, throwOnFullBatchFailure: false };
let handled = 0;
const recordHandler = async () => {
  handled++;
};

const rows = [];
for (const userRecords of QUICK ? [1_000] : [1_000, 20_000]) {
  const event = orderEventOf(userRecords);
  const userRecordEvent = { Records: deaggregateRecords(event.Records) };
  const texts = userRecordEvent.Records.map((record) =>
    Buffer.from(record.kinesis.data, 'base64').toString('utf8'),
  );
  const tasks = {
    'KplBatchProcessor, innerSchema': () =>
      processPartialResponse(event, recordHandler, new KplBatchProcessor(config), options),
    'BatchProcessor, innerSchema, the same user records': () =>
      processPartialResponse(
        userRecordEvent,
        recordHandler,
        new BatchProcessor(EventType.KinesisDataStreams, config),
        options,
      ),
    'KplBatchProcessor, no parser': () =>
      processPartialResponse(event, recordHandler, new KplBatchProcessor(), options),
    'BatchProcessor, no parser, the same user records': () =>
      processPartialResponse(
        userRecordEvent,
        recordHandler,
        new BatchProcessor(EventType.KinesisDataStreams),
        options,
      ),
    'floor: Order.parse(JSON.parse(text)) of each record': () => {
      for (const text of texts) Order.parse(JSON.parse(text));
    },
  };
  // The stock innerSchema path is slow: fewer rounds for the large batch.
  const medians = await medianMilliseconds(
    tasks,
    userRecords > 1_000 ? { rounds: 5, iterations: 2, time: 100 } : {},
  );
  const [ours, stock] = medians;
  Object.keys(tasks).forEach((task, i) => {
    rows.push(
      `| ${userRecords.toLocaleString('en-US')} | ${task} | ${medians[i].toFixed(1)} ms | ${((medians[i] / userRecords) * 1000).toFixed(1)} µs | ${i === 0 ? '' : `${(medians[i] / ours).toFixed(2)}x`} |`,
    );
  });
  console.log(
    `${userRecords}: innerSchema ${((ours / userRecords) * 1000).toFixed(1)} µs per user record; Powertools' own ${(stock / ours).toFixed(1)}x that`,
  );
}
if (handled === 0) throw new Error('no record was handled');
const table = [
  '| user records | task | median per batch | per user record | x KplBatchProcessor, innerSchema |',
  '| --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
console.log(table);
updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'parser', table);
