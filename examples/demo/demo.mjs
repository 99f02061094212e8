// npm run demo: the whole path on this machine, with no AWS account.
//
// 1. starts a local Kinesis (kinesalite, in process, in memory, on loopback) with a 2-shard stream,
//    and shows the path of one aggregate (path.mjs);
// 2. writes a few thousand orders with @kpl-lambda/producer, aggregated, one of them poison;
// 3. bundles the example SAM application's two consumers with esbuild, as `sam build` would, and
//    delivers the stream to each through a local event source mapping that behaves like Lambda's
//    (ReportBatchItemFailures, BisectBatchOnFunctionError, MaximumRetryAttempts, on-failure
//    destination);
// 4. runs each consumer without and with checkpoints, and reports side by side what happened and
//    why an order ran twice, and what a redrive of the given-up batch sends back; checks that
//    every order was processed or given up and that, with checkpoints, a redrive sends back only
//    the poison order: exits 1 if not.
//
// With --endpoint URL --stream NAME it writes to, and reads from, that Kinesis stream instead,
// with the default AWS credential chain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
import { startLocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { bundleFunctions } from '../sam-app/scripts/bundle.mjs';
import { showOnePath } from './path.mjs';
import { redriveGivenUp, runPipeline } from './pipeline.mjs';

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    stream: { type: 'string' },
    orders: { type: 'string', default: '5000' },
  },
});
// The consumers' Powertools loggers would print a line per failed order; the report says it all.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
// Their metrics (EMF, a JSON line per invocation) are for CloudWatch, not for this terminal.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const say = (line) => console.log(`  ${line}`);

let local;
let client;
const streamName = values.stream ?? 'orders';
if (values.endpoint) {
  if (!values.stream) throw new Error('--endpoint needs --stream NAME (an existing stream)');
  // HTTP/1.1: a client made with the SDK's defaults fails on a local Kinesis (ERR_HTTP2_ERROR).
  client = localKinesisClient({ endpoint: values.endpoint });
  console.log(`Kinesis at ${values.endpoint}, stream ${streamName}, default AWS credentials`);
} else {
  local = await startLocalKinesis();
  client = local.client;
  await local.createStream(streamName, 2);
  console.log(`Local Kinesis (kinesalite) at ${local.endpoint}: stream ${streamName}, 2 shards`);
  await local.createStream('one-aggregate', 1);
  console.log('\nThe path of one aggregate: three orders for one customer, the second one poison');
  await showOnePath({ client, streamName: 'one-aggregate', say });
  console.log('');
}

const buildDirectory = mkdtempSync(join(tmpdir(), 'kpl-lambda-demo-'));
try {
  console.log('Bundling the example consumers with esbuild, as sam build does');
  const functions = await bundleFunctions(buildDirectory);
  const consumers = {};
  for (const name of ['MiddyConsumerFunction', 'PowertoolsConsumerFunction']) {
    consumers[name] = (await import(functions[name].path)).createHandler;
  }

  console.log(
    `Writing ${values.orders} orders, then delivering them to both consumers, each without and with checkpoints`,
  );
  let lastLine = '';
  const report = await runPipeline({
    client,
    streamName,
    consumers,
    orders: Number(values.orders),
    withCheckpoints: true,
    progress: (line) => {
      if (line !== lastLine) say(line);
      lastLine = line;
    },
  });
  const redrives = {};
  for (const [name, consumer] of Object.entries(report.consumers)) {
    redrives[name] = await redriveGivenUp({ client, consumer, runId: report.runId });
  }

  console.log(
    `\nReport: ${report.ordersWritten} orders written in ${report.kinesisRecordsWritten} Kinesis records; poison: ${report.poisonOrders.join(', ')}`,
  );
  if (report.ordersNotWritten) console.log(`  orders NOT written: ${report.ordersNotWritten}`);
  const names = Object.keys(report.consumers);
  const column = (name) => name.replace('Function', '').replace('Consumer', '');
  const rows = [
    ['', ...names.map(column)],
    ['orders processed', ...names.map((name) => report.consumers[name].ordersProcessed)],
    [
      'processed more than once',
      ...names.map((name) => report.consumers[name].processedMoreThanOnce),
    ],
    [
      "  in the poison's aggregate (1)",
      ...names.map((name) => report.consumers[name].duplicates.inPoisonAggregate),
    ],
    [
      '  after it in its batch (2)',
      ...names.map((name) => report.consumers[name].duplicates.afterPoisonInBatch),
    ],
    ['invocations', ...names.map((name) => report.consumers[name].invocations)],
    ['given up: orders (3)', ...names.map((name) => report.consumers[name].ordersGivenUp)],
    ['a redrive sends back (4)', ...names.map((name) => redrives[name].sent.length)],
    ['lost', ...names.map((name) => report.consumers[name].lost.length)],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  for (const row of rows) {
    console.log(`  ${row.map((cell, i) => String(cell).padEnd(widths[i] + 2)).join('')}`.trimEnd());
  }
  console.log(`
  (1) Lambda retries a whole Kinesis record: the poison's siblings in its aggregate run again,
      unless checkpoints remember which of them were done.
  (2) Lambda retries from the failed record to the end of its batch, successes after it
      included: those records run again too, unless checkpoints remember them.
  (3) After its retries the batch goes to the on-failure destination, from the poison's record
      to the end of the batch: ${report.consumers[names[0]].ordersGivenUp} orders for one poison.
  (4) A redrive of that batch (kpl redrive, or redrive() of @kpl-lambda/checkpoints) sends back
      what the consumer did not finish: with checkpoints, only the poison order.`);
  const poisonOnly = names
    .filter((name) => name.endsWith('with checkpoints'))
    .every(
      (name) =>
        redrives[name].sent.length === report.poisonOrders.length &&
        redrives[name].sent.every((orderId) => report.poisonOrders.includes(orderId)),
    );
  const ok = report.ok && poisonOnly;
  console.log(
    ok
      ? '\nCheck passed: every order was processed or reached the on-failure destination; none lost.'
      : '\nCheck FAILED: some orders were neither processed nor given up, or a redrive would send back more than the poison (see above).',
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(buildDirectory, { recursive: true, force: true });
  await local?.stop();
}
