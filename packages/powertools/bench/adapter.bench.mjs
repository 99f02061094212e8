// What KplBatchProcessor adds to Powertools' own BatchProcessor, without a parser: ours on a
// batch of aggregates, against deaggregateRecords and then BatchProcessor on the same user records
// (the deaggregation they need, in the same run), at Lambda's memory sizes. One process's run
// varies more than the difference measured, so each size takes several; medians over them.
// Run by `npm run bench`.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { deaggregateRecords } from '@kpl-lambda/core';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import {
  kilobytes,
  MEASURING_MEMORY,
  medianMilliseconds,
  medianOf,
  memoryOf,
  runCasesAtLambdaSizes,
  updateResults,
} from '../../../scripts/bench.mjs';
import { orderEventOf } from './orderEvent.mjs';

const options = {
  context: { getRemainingTimeInMillis: () => 900_000, functionName: 'bench' },
  throwOnFullBatchFailure: false,
};
let handled = 0;
const recordHandler = async () => {
  handled++;
};

const OURS = 'KplBatchProcessor';
const STOCK = 'deaggregateRecords, then BatchProcessor';

async function compare(userRecords) {
  const event = orderEventOf(userRecords);
  const tasks = {
    [OURS]: () => processPartialResponse(event, recordHandler, new KplBatchProcessor(), options),
    [STOCK]: () =>
      processPartialResponse(
        { Records: deaggregateRecords(event.Records) },
        recordHandler,
        new BatchProcessor(EventType.KinesisDataStreams),
        options,
      ),
  };
  const names = Object.keys(tasks);
  if (MEASURING_MEMORY) {
    const allocated = [];
    for (const name of names) allocated.push((await memoryOf(tasks[name])).allocated);
    return { names, allocated };
  }
  const ms = await medianMilliseconds(tasks, { rounds: 5, time: 200 });
  if (handled === 0) throw new Error('no record was handled');
  return { names, ms };
}

const cases = {
  '1,000 user records': () => compare(1_000),
  '20,000 user records': () => compare(20_000),
};

const runs = await runCasesAtLambdaSizes(cases, import.meta.url, 7);
if (runs !== undefined) {
  const { settings } = runs;
  const lines = [
    `| user records | ${settings.map((label) => `${label}: ${OURS}, ${STOCK}, x the time`).join(' | ')} | memory allocated per call, ours / theirs |`,
    `| --- |${' --- |'.repeat(settings.length)} --- |`,
  ];
  for (const [name, bySetting] of runs.times) {
    const cells = settings.map((label) => {
      const caseRuns = bySetting.get(label);
      const [ours, stock] = [0, 1].map((i) => medianOf(caseRuns.map((run) => run.ms[i])));
      return `${ours.toFixed(2)} ms, ${stock.toFixed(2)} ms, ${(ours / stock).toFixed(2)}x`;
    });
    const { allocated } = runs.memory.get(name);
    lines.push(
      `| ${name.split(' ')[0]} | ${cells.join(' | ')} | ${allocated.map(kilobytes).join(' / ')} |`,
    );
  }
  const table = lines.join('\n');
  console.log(table);
  updateResults(new URL('../BENCHMARKS.md', import.meta.url), 'adapter', table);
}
